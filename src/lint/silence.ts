/**
 * Silencing comments, written on their own line:
 *
 *     # ebuild-lint-disable-next-line run-cd, unused-arg   the next command (all its continuation lines)
 *     # ebuild-lint-disable-file missing-version            the whole file
 *     # ebuild-lint-disable-next-line unused-arg -- read by the test runner   (a reason after ` -- `)
 *
 * Without rule ids a comment silences every rule. Blank lines and other comments between the comment
 * and the command are skipped, so a silencing comment can sit above a doc comment.
 */
import type { Buildfile } from "../parser/index.js";
import type { Finding } from "./rule.js";
import { eachStatement, ownWords, scopesOf } from "./walk.js";

/** One silencing comment: which rules (empty = all) and which lines it covers. */
export interface Silence {
  rules: string[];
  /** First and last covered line, inclusive; `file` comments cover every line. */
  from: number;
  to: number;
  /** Where the comment is, for reporting ids that name no rule. */
  line: number;
}

const directive = /^\s*#\s*ebuild-lint-disable-(next-line|file)\b(.*)$/;

/** The silencing comments of a file, each with the lines it covers. */
export function silencesOf(text: string, buildfile: Buildfile): Silence[] {
  const lines = text.split("\n");
  const spans = commandSpans(buildfile);
  const out: Silence[] = [];
  lines.forEach((content, i) => {
    const match = directive.exec(content);
    if (match === null) return;
    // Anything after ` -- ` is the reason, for readers.
    const rules = match[2]!
      .split(/\s--(\s|$)/)[0]!
      .split(/[\s,]+/)
      .filter((r) => r !== "");
    if (match[1] === "file") {
      out.push({ rules, from: 1, to: Number.MAX_SAFE_INTEGER, line: i + 1 });
      return;
    }
    let next = i + 1;
    while (next < lines.length && /^\s*(#.*)?\r?$/.test(lines[next]!)) next++;
    const from = next + 1;
    out.push({ rules, from, to: Math.max(from, spans.get(from) ?? from), line: i + 1 });
  });
  return out;
}

/** True when a silencing comment covers this finding. */
export function isSilenced(finding: Finding, silences: Silence[]): boolean {
  const line = finding.range.start.line;
  return silences.some((s) => line >= s.from && line <= s.to && (s.rules.length === 0 || s.rules.includes(finding.ruleId)));
}

/** For each line a command starts on, the last line of that command's own words (continuations). */
function commandSpans(buildfile: Buildfile): Map<number, number> {
  const spans = new Map<number, number>();
  const note = (from: number, to: number) => spans.set(from, Math.max(to, spans.get(from) ?? from));
  for (const scope of scopesOf(buildfile)) {
    note(scope.header.start.line, scope.header.start.line);
    eachStatement(scope.recipe, (s) => {
      const words = ownWords(s);
      const last = words.length === 0 ? s.range.start.line : words[words.length - 1]!.range.end.line;
      note(s.range.start.line, s.kind === "IF" ? s.range.start.line : last);
      if (s.kind === "IF") for (const b of s.branches) note(b.range.start.line, b.args.length === 0 ? b.range.start.line : b.args[b.args.length - 1]!.range.end.line);
    });
  }
  return spans;
}
