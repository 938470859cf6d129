import assert from "node:assert/strict";
import { lintBuildfile, type Finding } from "../../src/lint/index.js";
import { parseBuildfile } from "../../src/parser/index.js";

/** Lints a Buildfile given as lines; the file must parse. */
export function lintLines(lines: string[]): Finding[] {
  const text = lines.join("\n") + "\n";
  const { buildfile, problems } = parseBuildfile(text, "Buildfile");
  assert.deepEqual(problems, [], "the test Buildfile must parse");
  return lintBuildfile(buildfile!, text);
}

/** `line:col rule-id` of each finding, the shape the tables compare. */
export function where(findings: Finding[], ruleId?: string): string[] {
  return findings.filter((f) => ruleId === undefined || f.ruleId === ruleId).map((f) => `${f.range.start.line}:${f.range.start.column} ${f.ruleId}`);
}
