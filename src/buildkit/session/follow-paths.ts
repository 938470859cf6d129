/**
 * Follow-paths: the daemon names paths it wants (e.g. a Dockerfile that may be a symlink), and every
 * symlink along them is resolved — inside the root — into extra include patterns, the way fsutil does
 * before it filters a walk.
 */
import { lstat, readdir, readlink } from "node:fs/promises";
import { join, posix } from "node:path";
import { Pattern, cleanPath } from "./patterns.js";

/**
 * The include patterns that cover `paths` and the targets of the symlinks on the way, sorted and with
 * nested paths removed; undefined when one of them is the root itself (nothing to filter).
 */
export async function resolveFollowPaths(root: string, paths: readonly string[]): Promise<string[] | undefined> {
  const resolved = new Set<string>();
  for (const p of paths) await follow(root, p, resolved);
  const sorted = [...resolved].sort(compareBytes);
  return dedupePaths(sorted);
}

async function follow(root: string, path: string, resolved: Set<string>): Promise<void> {
  let rest = cleanPath(`./${path}`);
  let current = ".";
  for (;;) {
    const slash = rest.indexOf("/");
    const first = slash < 0 ? rest : rest.slice(0, slash);
    rest = slash < 0 ? "" : rest.slice(slash + 1);
    current = cleanPath(`${current}/${first}`);
    const targets = await symlinkTargets(root, current, true);
    if ((rest === "" || targets !== undefined) && resolved.has(current)) return;
    if (targets !== undefined) {
      resolved.add(current);
      for (const target of targets) await follow(root, posix.join(target, rest), resolved);
      return;
    }
    if (rest === "") {
      resolved.add(current);
      return;
    }
  }
}

/** Where the symlink(s) at `path` point, as root-relative absolute paths; undefined if none. */
async function symlinkTargets(root: string, path: string, allowWildcard: boolean): Promise<string[] | undefined> {
  const base = posix.basename(path);
  if (allowWildcard && containsWildcards(base)) {
    const dir = posix.dirname(path);
    let names: string[];
    try {
      names = await readdir(join(root, dir));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
    const pattern = new Pattern(base, false);
    const out: string[] = [];
    for (const name of names.sort(compareBytes)) {
      if (!pattern.matches(name)) continue;
      out.push(...((await symlinkTargets(root, posix.join(dir, name), false)) ?? []));
    }
    return out.length > 0 ? out : undefined;
  }
  if (path === "." || path === "/") return undefined;
  try {
    const stat = await lstat(join(root, path));
    if (!stat.isSymbolicLink()) return undefined;
    const link = cleanPath(await readlink(join(root, path)));
    // A target is always taken relative to the root, so it can never lead outside it.
    return [link.startsWith("/") ? link : posix.join("/", posix.dirname(path), link)];
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

function containsWildcards(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const ch = name[i];
    if (ch === "\\") i++;
    else if (ch === "*" || ch === "?" || ch === "[") return true;
  }
  return false;
}

/** Drops paths nested in an earlier one; undefined when the root (".") is among them. */
export function dedupePaths(paths: readonly string[]): string[] | undefined {
  const out: string[] = [];
  let last = "";
  for (const p of paths) {
    if (p === ".") return undefined;
    if (p.startsWith(`${last}/`)) continue;
    out.push(p);
    last = p;
  }
  return out;
}

/** Go's string order: by UTF-8 bytes, which is also the order the daemon expects entries in. */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function isNotFound(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "ENOTDIR";
}
