/**
 * The parser as the planner's loader wants it: a Buildfile, or an EbuildError ("syntax") at the
 * first problem that says how many there are. A file with problems is never planned.
 */
import { EbuildError } from "../errors.js";
import { parseBuildfile, type Buildfile } from "../parser/index.js";

export function parseForPlanning(text: string, path: string): Buildfile {
  const { buildfile, problems } = parseBuildfile(text, path);
  const first = problems[0];
  if (first !== undefined) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? "s" : ""})` : "";
    throw new EbuildError("syntax", `${first.message}${more}`, {
      at: { file: first.range.file, line: first.range.start.line, column: first.range.start.column },
      hint: first.hint ?? (first.expected?.length ? `expected ${first.expected.join(", ")}` : "run `ebuild lint` to see every problem"),
    });
  }
  if (buildfile === undefined) throw new EbuildError("internal", `${path} parsed to nothing`);
  return buildfile;
}
