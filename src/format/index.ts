/**
 * `ebuild fmt`'s printer: a Buildfile's text → the same file in the one canonical layout (see
 * docs/fmt.md). Pure: text in, text out. The AST gives each line its typed reading; the comments
 * and blank lines the AST leaves out are read back from the source (`lines.ts`) and put back next
 * to the statements they were written beside.
 */
import type { Buildfile, IfBranch, Statement, SyntaxProblem } from "../parser/ast.js";
import { parseBuildfile } from "../parser/index.js";
import { sameMeaning } from "./equivalence.js";
import { type BlankLine, type CommentLine, type LogicalLine, sourceLines } from "./lines.js";
import { type LineNode, printLine } from "./statement.js";

export { canonical, sameMeaning } from "./equivalence.js";

/** The formatted text, or the problems that stop a file from being formatted. */
export type FormatResult = { text: string; problems: [] } | { text?: undefined; problems: SyntaxProblem[] };

/** Spaces per level of nesting (a recipe, a block body). */
export const indentWidth = 4;

/**
 * Formats a Buildfile. A file with any problem is left alone (its problems come back instead),
 * and so is one whose formatted text would not read back as the same file: that would be a bug
 * in the formatter, reported rather than written.
 */
export function formatBuildfile(text: string, file: string): FormatResult {
  const parsed = parseBuildfile(text, file);
  if (parsed.problems.length > 0 || parsed.buildfile === undefined) return { problems: parsed.problems };
  let formatted: string;
  try {
    formatted = layout(text, parsed.buildfile);
  } catch (error) {
    return internalError(file, `internal formatter error: ${error instanceof Error ? error.message : String(error)}`);
  }
  const again = parseBuildfile(formatted, file);
  if (again.problems.length > 0 || again.buildfile === undefined || !sameMeaning(parsed.buildfile, again.buildfile)) {
    return internalError(file, "internal formatter error: the formatted file would not mean the same as the original, so it was left unchanged");
  }
  return { text: formatted, problems: [] };
}

/** A bug in the formatter, as a problem at the top of the file: the file is left as it is. */
function internalError(file: string, message: string): FormatResult {
  const at = { file, start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } };
  return { problems: [{ message, range: at, hint: "please report this with the file" }] };
}

/** Every AST node that starts a line, by the offset of its keyword. */
function nodesByOffset(buildfile: Buildfile): Map<number, LineNode> {
  const map = new Map<number, LineNode>();
  if (buildfile.version !== undefined) map.set(buildfile.version.range.start.offset, buildfile.version);
  const visit = (statements: Statement[]): void => {
    for (const s of statements) {
      if (s.kind === "IF") {
        s.branches.forEach((b: IfBranch) => {
          map.set(b.range.start.offset, b);
          visit(b.body);
        });
        if (s.elseBody !== undefined) visit(s.elseBody);
        continue;
      }
      map.set(s.range.start.offset, s);
      if (s.kind === "FOR" || s.kind === "WAIT" || s.kind === "WITH_DOCKER") visit(s.body);
      if (s.kind === "TRY") [s.body, s.catchBody ?? [], s.finallyBody ?? []].forEach(visit);
    }
  };
  visit(buildfile.baseRecipe);
  for (const t of buildfile.targets) visit(t.recipe);
  for (const f of buildfile.functions) visit(f.recipe);
  return map;
}

type Role = "header" | "opener" | "middle" | "closer" | "statement";

function roleOf(line: LogicalLine): Role {
  switch (line.tokens[0]!.tokenType.name) {
    case "Header":
      return "header";
    case "IF":
    case "FOR":
    case "WAIT":
    case "TRY":
    case "WITH":
      return "opener";
    case "ELSE":
    case "CATCH":
    case "FINALLY":
      return "middle";
    case "END":
      return "closer";
    default:
      return "statement";
  }
}

type Trivia = CommentLine | BlankLine;

/** Writes the canonical text, line by line. */
class Printer {
  readonly out: string[] = [];
  /** Just after a target line or a block keyword: blank lines here are dropped. */
  private bodyStart = true;

  blank(): void {
    if (!this.bodyStart && this.out.length > 0 && this.out[this.out.length - 1] !== "") this.out.push("");
  }

  line(text: string, opensBody: boolean): void {
    this.out.push(text);
    this.bodyStart = opensBody;
  }

  /** Comment and blank lines in order; trailing blank lines are dropped when `keepLastBlank` is off. */
  trivia(items: Trivia[], indentOf: (c: CommentLine) => number, keepLastBlank: boolean): void {
    let end = items.length;
    if (!keepLastBlank) while (end > 0 && items[end - 1]!.kind === "blank") end--;
    for (const item of items.slice(0, end)) {
      if (item.kind === "blank") this.blank();
      else this.line(" ".repeat(indentOf(item)) + item.text, false);
    }
  }

  /** Exactly one blank line, unless nothing was printed yet. */
  separate(): void {
    while (this.out.length > 0 && this.out[this.out.length - 1] === "") this.out.pop();
    if (this.out.length > 0) this.out.push("");
  }
}

function layout(text: string, buildfile: Buildfile): string {
  const nodes = nodesByOffset(buildfile);
  const printer = new Printer();
  let depth = 0;
  let inTarget = false;
  let pending: Trivia[] = [];
  // Between targets, a comment indented like a recipe ends the recipe above; one at column 0
  // belongs to what follows.
  const betweenTargets = (c: CommentLine): number => (inTarget && c.column > 0 ? indentWidth : 0);

  for (const item of sourceLines(text)) {
    if (item.kind !== "line") {
      pending.push(item);
      continue;
    }
    const role = roleOf(item);
    if (role === "header") {
      // The comment block right above a target line is its doc comment: it stays attached.
      let docsFrom = pending.length;
      while (docsFrom > 0 && pending[docsFrom - 1]!.kind === "comment") docsFrom--;
      printer.trivia(pending.slice(0, docsFrom), betweenTargets, false);
      printer.separate();
      for (const doc of pending.slice(docsFrom)) printer.line((doc as CommentLine).text, false);
      printer.line(printLine(item, undefined, 0).lines.join("\n"), true);
      pending = [];
      depth = 1;
      inTarget = true;
      continue;
    }
    const level = role === "middle" || role === "closer" ? depth - 1 : depth;
    if (role === "middle" || role === "closer") {
      // A comment indented deeper than END / ELSE ends the body above it.
      printer.trivia(pending, (c) => indentWidth * (c.column > item.column ? level + 1 : level), false);
    } else {
      printer.trivia(pending, () => indentWidth * level, true);
    }
    pending = [];
    const printed = printLine(item, nodes.get(item.tokens[0]!.startOffset), indentWidth * level);
    for (const comment of printed.above) printer.line(" ".repeat(indentWidth * level) + comment, false);
    printer.line(printed.lines.join("\n"), role !== "statement" && role !== "closer");
    if (role === "opener") depth++;
    if (role === "closer") depth--;
  }
  printer.trivia(pending, betweenTargets, false);
  while (printer.out.length > 0 && printer.out[printer.out.length - 1] === "") printer.out.pop();
  return printer.out.length === 0 ? "" : `${printer.out.join("\n")}\n`;
}
