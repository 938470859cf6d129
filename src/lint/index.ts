/**
 * `ebuild lint` without the CLI: every rule run over a parsed Buildfile, silencing comments applied,
 * findings in file order. Nothing here reads files or prints.
 */
import type { Buildfile } from "../parser/index.js";
import type { Finding, LintRule } from "./rule.js";
import { copyContextBeforeInstall } from "./rules/copy-order.js";
import { uncalledFunction } from "./rules/functions.js";
import { aptGetUpdateAlone, runCd } from "./rules/run-commands.js";
import { duplicateImageName, saveNeverFires } from "./rules/saves.js";
import { secretInArg } from "./rules/secrets.js";
import { deprecatedBuildArg, deprecatedCommandKeyword, missingVersion } from "./rules/syntax.js";
import { undeclaredVariable, unusedArg } from "./rules/variables.js";
import { isSilenced, silencesOf } from "./silence.js";

export type { Finding, LintContext, LintLevel, LintRule, RuleFinding } from "./rule.js";

/** Every rule, in the order docs/lint.md lists them. */
export const rules: readonly LintRule[] = [
  undeclaredVariable,
  unusedArg,
  uncalledFunction,
  duplicateImageName,
  saveNeverFires,
  secretInArg,
  copyContextBeforeInstall,
  aptGetUpdateAlone,
  runCd,
  missingVersion,
  deprecatedCommandKeyword,
  deprecatedBuildArg,
];

/** What the report says about a rule: everything but its check. */
export type RuleInfo = Omit<LintRule, "check">;

/** Findings that come from no rule's check: the parser's problems and misspelt silencing comments. */
export const syntaxError: RuleInfo = {
  id: "syntax-error",
  level: "error",
  description: "The file does not parse",
  doc: "A Buildfile with syntax errors cannot be built or linted; fix the error the message points at first. It cannot be silenced.",
};
export const unknownLintRule: RuleInfo = {
  id: "unknown-lint-rule",
  level: "warning",
  description: "A silencing comment names a rule that does not exist",
  doc: "A misspelt rule id silences nothing, so the finding it was meant for still shows up (or a later one will be silenced by accident once the id exists).",
};

/** Every id a report can carry, rules first. */
export const reportedRules: readonly RuleInfo[] = [...rules, syntaxError, unknownLintRule];

/** The rule with this id, if any. */
export function ruleById(id: string): LintRule | undefined {
  return rules.find((r) => r.id === id);
}

export interface LintOptions {
  /** Run only these rules (default: all). */
  only?: readonly LintRule[];
}

/**
 * Lints one parsed Buildfile. `text` is the file as read: silencing comments live there, not in the
 * AST. A silencing comment naming an unknown rule is itself reported (rule `unknown-lint-rule`).
 */
export function lintBuildfile(buildfile: Buildfile, text: string, options: LintOptions = {}): Finding[] {
  const silences = silencesOf(text, buildfile);
  const findings: Finding[] = [];
  for (const rule of options.only ?? rules) {
    for (const f of rule.check(buildfile, { text })) findings.push({ ...f, ruleId: rule.id, level: rule.level });
  }
  for (const s of silences) {
    for (const id of s.rules.filter((r) => ruleById(r) === undefined)) {
      const start = { line: s.line, column: 1, offset: lineOffset(text, s.line) };
      findings.push({
        range: { file: buildfile.file, start, end: start },
        message: `the silencing comment names ${id}, which is no lint rule`,
        hint: `known rules: ${rules.map((r) => r.id).join(", ")}`,
        ruleId: unknownLintRule.id,
        level: unknownLintRule.level,
      });
    }
  }
  return findings
    .filter((f) => !isSilenced(f, silences))
    .sort((a, b) => a.range.start.offset - b.range.start.offset || a.ruleId.localeCompare(b.ruleId));
}

function lineOffset(text: string, line: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) offset = text.indexOf("\n", offset) + 1;
  return offset;
}
