/**
 * `ebuild fmt [PATH...]`: prints a Buildfile in the canonical layout, or with `--check` shows a
 * unified diff for every file that is not formatted (exit 1, for CI), or with `--write` rewrites
 * the files that change, each atomically (a temp file renamed over it).
 *
 * Every file is read and formatted before anything is written: if one has syntax problems, they
 * are all reported (exit 2) and no file is touched.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { EbuildError } from "../../errors.js";
import { formatBuildfile } from "../../format/index.js";
import { unifiedDiff } from "../../format/diff.js";
import { formatProblem } from "../../parser/index.js";

export interface FmtOptions {
  check?: boolean | undefined;
  write?: boolean | undefined;
}

/** A file and its formatted text. */
interface Formatted {
  path: string;
  before: string;
  after: string;
}

/** The file a PATH names: itself, or a directory's Buildfile (else its Earthfile). */
export function buildfileAt(path: string): string {
  if (existsSync(path) && statSync(path).isDirectory()) {
    for (const name of ["Buildfile", "Earthfile"]) if (existsSync(join(path, name))) return join(path, name);
    throw new EbuildError("usage", `no Buildfile or Earthfile in ${path}`, { hint: "give the path of a Buildfile" });
  }
  if (!existsSync(path)) throw new EbuildError("usage", `${path} does not exist`);
  return path;
}

export async function fmt(paths: string[], options: FmtOptions): Promise<void> {
  if (options.check === true && options.write === true) {
    throw new EbuildError("usage", "--check and --write do not go together", { hint: "--check reports, --write rewrites" });
  }
  const files = (paths.length === 0 ? ["."] : paths).map(buildfileAt);
  if (options.check !== true && options.write !== true && files.length > 1) {
    throw new EbuildError("usage", "fmt prints one file at a time", { hint: "give one path, or --check / --write for several" });
  }

  const formatted: Formatted[] = [];
  const problems: string[] = [];
  for (const path of files) {
    const before = readFileSync(path, "utf8");
    const result = formatBuildfile(before, displayName(path));
    if (result.text === undefined) problems.push(...result.problems.map((p) => formatProblem(p, before)));
    else formatted.push({ path, before, after: result.text });
  }
  if (problems.length > 0) {
    throw new EbuildError("syntax", problems.join("\n\n"), { hint: "fix the syntax first: fmt leaves a file it cannot read unchanged" });
  }

  if (options.check === true) {
    const changed = formatted.filter((f) => f.after !== f.before);
    process.stdout.write(changed.map((f) => unifiedDiff(f.before, f.after, displayName(f.path))).join(""));
    if (changed.length > 0) {
      process.stderr.write(`${changed.length} of ${formatted.length} file${formatted.length === 1 ? "" : "s"} not formatted: run ebuild fmt --write\n`);
      process.exitCode = 1;
    }
    return;
  }
  if (options.write === true) {
    for (const f of formatted) {
      if (f.after === f.before) continue;
      writeAtomically(f.path, f.after);
      process.stdout.write(`formatted ${displayName(f.path)}\n`);
    }
    return;
  }
  process.stdout.write(formatted[0]!.after);
}

/** Paths as the user reads them: relative to the working directory when inside it. */
function displayName(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === "" || rel.startsWith("..") ? path : rel;
}

/** Writes next to the file, then renames over it: a reader sees the old file or the new one, never half. */
function writeAtomically(path: string, text: string): void {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    const mode = statSync(path).mode & 0o7777;
    writeFileSync(temp, text, { mode });
    chmodSync(temp, mode); // writeFileSync's mode passes through the umask
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw new EbuildError("usage", `cannot write ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
