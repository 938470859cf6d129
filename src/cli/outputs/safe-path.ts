import { lstat, realpath } from "node:fs/promises";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { EbuildError } from "../../errors.js";

/** True when `path` is `base` itself or lies below it (both absolute, normalised). */
export function isInside(base: string, path: string): boolean {
  const rel = relative(base, path);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

/**
 * Resolves an output destination against `base` and refuses any that would land outside it:
 * through `..`, an absolute path, or a symlink already planted somewhere along the way.
 * `allowOutside` is the Buildfile's `SAVE ARTIFACT --force`: the lexical check is skipped, but the
 * path is still resolved so nothing is written through a dangling surprise.
 */
export async function resolveOutputPath(base: string, destination: string, allowOutside = false): Promise<string> {
  const target = resolve(base, destination);
  if (allowOutside) return target;
  if (!isInside(base, target)) {
    throw new EbuildError("semantic", `output path ${destination} leaves ${base}`, {
      hint: "write below the Buildfile's directory, or add SAVE ARTIFACT --force if you really mean it",
    });
  }
  const realBase = await realpath(base);
  // The deepest part of the destination that exists already decides where a write really goes.
  let existing = target;
  while (!(await exists(existing))) existing = dirname(existing);
  const realExisting = await realpath(existing);
  if (!isInside(realBase, realExisting)) {
    throw new EbuildError("semantic", `output path ${destination} goes through a symlink that leaves ${base}`, {
      hint: `remove the link at ${existing} or choose another destination`,
    });
  }
  return target;
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}
