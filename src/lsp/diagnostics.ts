/**
 * What the editor underlines: the parser's problems, or — once the file parses — the linter's
 * findings, each with its rule id as the code. A file with syntax errors is not linted: rules read a
 * recovered AST badly and would bury the error under noise.
 */
import { DiagnosticSeverity, type Diagnostic } from "vscode-languageserver";
import { lintBuildfile } from "../lint/index.js";
import type { ParseResult } from "../parser/index.js";
import { toRange } from "./positions.js";

export function diagnosticsOf(result: ParseResult, text: string): Diagnostic[] {
  if (result.problems.length > 0 || result.buildfile === undefined) {
    return result.problems.map((p) => ({
      range: toRange(p.range),
      severity: DiagnosticSeverity.Error,
      source: "ebuild",
      message: [p.message, p.expected === undefined ? undefined : `expected: ${p.expected.join(", ")}`, p.hint === undefined ? undefined : `hint: ${p.hint}`]
        .filter((line) => line !== undefined)
        .join("\n"),
    }));
  }
  return lintBuildfile(result.buildfile, text).map((f) => ({
    range: toRange(f.range),
    severity: f.level === "error" ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    source: "ebuild lint",
    code: f.ruleId,
    message: `${f.message}\nhint: ${f.hint}`,
  }));
}
