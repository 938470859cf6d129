/**
 * `ebuild lint [PATH...]`: checks Buildfiles for mistakes a build would not catch (or would catch
 * late) and prints each finding as `file:line:col rule-id message` with a fix hint. `--format json`
 * and `--format sarif` (for code-scanning uploads) print one document instead.
 *
 * Exit code: 2 when a file does not parse (or a path is wrong), else 1 when a finding is at error
 * level, else 0.
 */
import chalk from "chalk";
import { existsSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { isAbsolute, join, relative, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { EbuildError, ExitCode } from "../../errors.js";
import { lintBuildfile, reportedRules, rules, syntaxError, type Finding, type LintRule } from "../../lint/index.js";
import { toSarif } from "../../lint/sarif.js";
import { formatProblem, parseBuildfile } from "../../parser/index.js";

export type LintFormat = "text" | "json" | "sarif";

export interface LintOptions {
  format?: string | undefined;
  /** Only these rule ids (repeatable). */
  rule?: string[] | undefined;
  listRules?: boolean | undefined;
}

/** What linting every path gave: findings (syntax errors included) and whether any file failed to parse. */
interface LintRun {
  findings: Finding[];
  files: string[];
  syntaxErrors: boolean;
  /** Formatted parser problems, for the text format. */
  problemText: string[];
}

export async function lint(paths: string[], options: LintOptions): Promise<void> {
  const format = formatOf(options.format);
  if (options.listRules === true) {
    process.stdout.write(rules.map((r) => `${r.id.padEnd(30)} ${r.level.padEnd(8)} ${r.description}\n`).join(""));
    return;
  }
  const run = lintPaths(paths.length === 0 ? ["."] : paths, selectedRules(options.rule));
  process.stdout.write(render(run, format));
  const failed = run.syntaxErrors ? ExitCode.usage : run.findings.some((f) => f.level === "error") ? ExitCode.buildFailed : ExitCode.ok;
  process.exitCode = failed;
}

function formatOf(value: string | undefined): LintFormat {
  const format = value ?? "text";
  if (format === "text" || format === "json" || format === "sarif") return format;
  throw new EbuildError("usage", `unknown --format ${format}`, { hint: "use text, json or sarif" });
}

function selectedRules(ids: string[] | undefined): readonly LintRule[] {
  if (ids === undefined || ids.length === 0) return rules;
  return ids.map((id) => {
    const rule = rules.find((r) => r.id === id);
    if (rule === undefined) throw new EbuildError("usage", `unknown lint rule ${id}`, { hint: `ebuild lint --list-rules shows them: ${rules.map((r) => r.id).join(", ")}` });
    return rule;
  });
}

/** A directory stands for its Buildfile (or, failing that, its Earthfile). */
function buildfileAt(path: string): string {
  if (!existsSync(path)) throw new EbuildError("usage", `${path} does not exist`, { hint: "give a Buildfile, an Earthfile or a directory holding one" });
  if (!statSync(path).isDirectory()) return path;
  for (const name of ["Buildfile", "Earthfile"]) {
    const candidate = path === "." ? name : join(path, name);
    if (existsSync(candidate)) return candidate;
  }
  throw new EbuildError("usage", `${path} holds no Buildfile or Earthfile`, { hint: "give the file itself, or a directory that holds one" });
}

function lintPaths(paths: string[], only: readonly LintRule[]): LintRun {
  const run: LintRun = { findings: [], files: [], syntaxErrors: false, problemText: [] };
  for (const file of paths.map(buildfileAt)) {
    const text = readFileSync(file, "utf8");
    run.files.push(file);
    const { buildfile, problems } = parseBuildfile(text, file);
    if (problems.length > 0) {
      run.syntaxErrors = true;
      for (const p of problems) {
        run.findings.push({ range: p.range, message: p.message, hint: p.hint ?? (p.expected ? `expected ${p.expected.join(", ")}` : "fix the syntax error"), ruleId: syntaxError.id, level: "error" });
        run.problemText.push(formatProblem(p, text));
      }
      continue; // Rules assume a well-formed AST.
    }
    if (buildfile !== undefined) run.findings.push(...lintBuildfile(buildfile, text, { only }));
  }
  return run;
}

function render(run: LintRun, format: LintFormat): string {
  switch (format) {
    case "json":
      return `${JSON.stringify(jsonReport(run), null, 2)}\n`;
    case "sarif":
      return `${JSON.stringify(toSarif(run.findings, { toolVersion: toolVersion(), rules: reportedRules, uriOf }), null, 2)}\n`;
    case "text":
      return textReport(run);
  }
}

/** `--format json`: a stable shape for scripts (positions count from 1, `end` is exclusive). */
function jsonReport(run: LintRun) {
  return {
    files: run.files,
    findings: run.findings.map((f) => ({
      file: f.range.file,
      line: f.range.start.line,
      column: f.range.start.column,
      endLine: f.range.end.line,
      endColumn: f.range.end.column,
      ruleId: f.ruleId,
      level: f.level,
      message: f.message,
      hint: f.hint,
    })),
    errors: run.findings.filter((f) => f.level === "error").length,
    warnings: run.findings.filter((f) => f.level === "warning").length,
  };
}

function textReport(run: LintRun): string {
  const lines: string[] = [];
  if (run.problemText.length > 0) lines.push(...run.problemText.map((p) => `${p}\n`));
  for (const f of run.findings.filter((f) => f.ruleId !== syntaxError.id)) {
    const colour = f.level === "error" ? chalk.red : chalk.yellow;
    lines.push(`${f.range.file}:${f.range.start.line}:${f.range.start.column} ${colour(f.ruleId)} ${f.message}`);
    lines.push(`  ${chalk.dim("hint:")} ${f.hint}`);
  }
  const errors = run.findings.filter((f) => f.level === "error").length;
  const warnings = run.findings.length - errors;
  const files = `${run.files.length} file${run.files.length === 1 ? "" : "s"}`;
  lines.push(errors + warnings === 0 ? `no problems in ${files}` : `${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"} in ${files}`);
  return lines.map((l) => `${l}\n`).join("");
}

/** A path relative to the working directory (the repository root in CI), else a file: URI. */
function uriOf(file: string): string {
  const rel = relative(process.cwd(), file);
  if (rel.startsWith("..") || isAbsolute(rel)) return pathToFileURL(file).href;
  return rel.split(sep).map(encodeURIComponent).join("/");
}

function toolVersion(): string {
  const require = createRequire(import.meta.url);
  return (require("../../../package.json") as { version: string }).version;
}
