/**
 * What a lint rule is: a value with a stable id, a level, a one-line description, a longer doc and a
 * `check` that reads a parsed Buildfile and returns findings. Rules never print and never throw on a
 * well-formed AST; the runner adds silencing, sorting and the level.
 */
import type { Buildfile, SourceRange } from "../parser/index.js";

/** `error` findings make `ebuild lint` exit 1; `warning` findings are reported only. */
export type LintLevel = "error" | "warning";

/** What a rule reports: where, what is wrong, and how to fix it. */
export interface RuleFinding {
  range: SourceRange;
  message: string;
  /** What to write instead, in one sentence. */
  hint: string;
}

/** A finding with the rule that made it, as the runner hands it to the CLI. */
export interface Finding extends RuleFinding {
  ruleId: string;
  level: LintLevel;
}

/** What a rule may read besides the AST. */
export interface LintContext {
  /** The file's text as read (for rules that look at lines the AST does not keep). */
  text: string;
}

export interface LintRule {
  /** Stable, kebab-case; used in silencing comments, JSON and SARIF output. */
  id: string;
  level: LintLevel;
  /** One line: what the rule catches. */
  description: string;
  /** Why it matters, for docs/lint.md, `--format sarif` and editors. */
  doc: string;
  check(buildfile: Buildfile, context: LintContext): RuleFinding[];
}
