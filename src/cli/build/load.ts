/**
 * The planner's I/O, on the real file system: reading Buildfiles, and parsing them so that any
 * syntax problem stops the build with every problem positioned (file:line:col, the line, a caret).
 */
import { access, readFile, stat } from "node:fs/promises";
import { EbuildError } from "../../errors.js";
import { formatProblem, parseBuildfile, type Buildfile } from "../../parser/index.js";
import type { SourceReader } from "../../planner/source.js";

export const fileSystemReader: SourceReader = {
  async readFile(path: string): Promise<string> {
    try {
      if ((await stat(path)).isDirectory()) throw new EbuildError("usage", `${path} is a directory, not a Buildfile`);
      return await readFile(path, "utf8");
    } catch (error) {
      if (error instanceof EbuildError) throw error;
      throw new EbuildError("usage", `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  },
  async exists(path: string): Promise<boolean> {
    try {
      await access(path);
      return true;
    } catch {
      return false;
    }
  },
};

/** Parses a Buildfile for the planner; any problem is a syntax error listing all of them. */
export function parseOrThrow(text: string, path: string): Buildfile {
  const { buildfile, problems } = parseBuildfile(text, path);
  if (problems.length > 0 || !buildfile) {
    const shown = problems.map((p) => formatProblem(p, text)).join("\n\n");
    const first = problems[0];
    throw new EbuildError("syntax", shown || `${path} could not be parsed`, {
      ...(first ? { at: { file: path, line: first.range.start.line, column: first.range.start.column } } : {}),
      hint: problems.length > 1 ? `${problems.length} problems in ${path}` : undefined,
    });
  }
  return buildfile;
}
