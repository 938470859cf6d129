/**
 * Finding and reading the Buildfile a command works on: a directory's `Buildfile`, else its
 * `Earthfile` (so Earthly projects work unchanged), parsed with every syntax problem turned into one
 * error the CLI's handler prints (exit code 2).
 */
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { EbuildError } from "../errors.js";
import type { Buildfile, SyntaxProblem } from "../parser/ast.js";
import { formatProblem, parseBuildfile } from "../parser/index.js";

/** The file names ebuild reads in a directory, in order of preference. */
export const buildfileNames = ["Buildfile", "Earthfile"] as const;

/** A parsed file with the text it came from (for messages that quote it). */
export interface LoadedBuildfile {
  /** The path as the user wrote it (joined with the file name when a directory was given). */
  file: string;
  text: string;
  buildfile: Buildfile;
}

async function kindOf(p: string): Promise<"file" | "directory" | undefined> {
  try {
    const s = await stat(p);
    return s.isDirectory() ? "directory" : "file";
  } catch {
    return undefined;
  }
}

/**
 * The file for a directory (its Buildfile, else its Earthfile) or, when `where` names a file, that
 * file. Fails with a usage error that says what was looked for.
 */
export async function locateBuildfile(where: string): Promise<string> {
  const kind = await kindOf(where);
  if (kind === undefined) throw new EbuildError("usage", `no such file or directory: ${where}`);
  if (kind === "file") return where;
  for (const name of buildfileNames) {
    const candidate = path.join(where, name);
    if ((await kindOf(candidate)) === "file") return candidate;
  }
  throw new EbuildError("usage", `no Buildfile or Earthfile in ${where === "." ? "the current directory" : where}`, {
    hint: "pass the directory that holds the Buildfile",
  });
}

/** One error carrying every problem, formatted as the parser formats them (file:line:col, caret, hint). */
export function syntaxError(problems: readonly SyntaxProblem[], text: string): EbuildError {
  if (problems.length === 0) return new EbuildError("syntax", "the file could not be parsed");
  const formatted = problems.map((p) => formatProblem(p, text));
  const count = problems.length === 1 ? "" : `\n${problems.length} problems`;
  return new EbuildError("syntax", formatted.join("\n") + count);
}

/** Reads and parses `file`; any syntax problem fails the command. */
export async function loadBuildfile(file: string): Promise<LoadedBuildfile> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    throw new EbuildError("usage", `cannot read ${file}: ${(cause as Error).message}`, { cause });
  }
  const { buildfile, problems } = parseBuildfile(text, file);
  if (problems.length > 0 || buildfile === undefined) throw syntaxError(problems, text);
  return { file, text, buildfile };
}
