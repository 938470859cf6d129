/**
 * Walking a Buildfile the way rules need it: each recipe (base, targets, functions) as a scope, every
 * statement inside blocks with the IF arm it sits in, and the `$NAME` uses in a word.
 */
import type { Buildfile, Command, SourceRange, Statement, Word } from "../parser/index.js";

/** One recipe with its own variables: the base recipe, a target or a function. */
export interface Scope {
  kind: "base" | "target" | "function";
  /** The target or function name; `base` for the base recipe. */
  name: string;
  recipe: Statement[];
  /** Where the `name:` line is (the first command for the base recipe). */
  header: SourceRange;
}

/** Every recipe of the file, base first, then targets, then functions. */
export function scopesOf(buildfile: Buildfile): Scope[] {
  const scopes: Scope[] = [];
  if (buildfile.baseRecipe.length > 0) scopes.push({ kind: "base", name: "base", recipe: buildfile.baseRecipe, header: buildfile.baseRecipe[0]!.range });
  for (const t of buildfile.targets) scopes.push({ kind: "target", name: t.name, recipe: t.recipe, header: headerRange(t.range, t.name) });
  for (const f of buildfile.functions) scopes.push({ kind: "function", name: f.name, recipe: f.recipe, header: headerRange(f.range, f.name) });
  return scopes;
}

/** The `name` of a `name:` line, given the range of the whole target (which starts at the name). */
function headerRange(range: SourceRange, name: string): SourceRange {
  const { start } = range;
  return { file: range.file, start, end: { line: start.line, column: start.column + name.length, offset: start.offset + name.length } };
}

/**
 * Where a statement sits among IF arms, outermost first: `offset:arm`. Two statements in different
 * arms of the same IF never both run.
 */
export type ArmPath = string[];

/** Calls `visit` for every statement of `recipe`, blocks first, then what is inside them, in order. */
export function eachStatement(recipe: Statement[], visit: (statement: Statement, arms: ArmPath) => void, arms: ArmPath = []): void {
  for (const statement of recipe) {
    visit(statement, arms);
    switch (statement.kind) {
      case "IF": {
        const at = statement.range.start.offset;
        statement.branches.forEach((branch, i) => eachStatement(branch.body, visit, [...arms, `${at}:${i}`]));
        if (statement.elseBody !== undefined) eachStatement(statement.elseBody, visit, [...arms, `${at}:else`]);
        break;
      }
      case "TRY":
        eachStatement(statement.body, visit, arms);
        if (statement.catchBody !== undefined) eachStatement(statement.catchBody, visit, arms);
        if (statement.finallyBody !== undefined) eachStatement(statement.finallyBody, visit, arms);
        break;
      case "FOR":
      case "WAIT":
      case "WITH_DOCKER":
        eachStatement(statement.body, visit, arms);
        break;
      default:
        break;
    }
  }
}

/** Every command (blocks left out) of `recipe`, in file order. */
export function commandsOf(recipe: Statement[]): Command[] {
  const out: Command[] = [];
  eachStatement(recipe, (s) => {
    if (!isBlock(s)) out.push(s);
  });
  return out;
}

export function isBlock(statement: Statement): statement is Exclude<Statement, Command> {
  return ["IF", "FOR", "WAIT", "TRY", "WITH_DOCKER"].includes(statement.kind);
}

/** The words written on a statement's own line(s): a block's header, never its body. */
export function ownWords(statement: Statement): Word[] {
  if (statement.kind === "IF") return statement.branches.flatMap((b) => b.args);
  return statement.args;
}

/**
 * Statements whose words the shell reads (RUN, CMD, ENTRYPOINT, HEALTHCHECK, the conditions of IF and
 * the expression of FOR): ebuild does not expand `$NAME` there, the shell does.
 */
export function isShellStatement(statement: Statement): boolean {
  return ["RUN", "CMD", "ENTRYPOINT", "HEALTHCHECK", "IF", "FOR"].includes(statement.kind);
}

/** A `$NAME` or `${NAME...}` in a word, with its position inside the word's text. */
export interface VariableUse {
  name: string;
  /** Index of the `$` in the word's text. */
  index: number;
}

/**
 * The variables ebuild would expand in `text`, with Dockerfile quoting: nothing inside single quotes,
 * nothing after a backslash, nothing inside a `$(...)` shell-out (the shell expands that).
 */
export function variableUses(text: string): VariableUse[] {
  const uses: VariableUse[] = [];
  let single = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\\" && !single) {
      i++;
      continue;
    }
    if (c === "'") single = !single;
    if (single || c !== "$") continue;
    const next = text[i + 1];
    if (next === "(") {
      i = closingParen(text, i + 1);
      continue;
    }
    const braced = next === "{";
    const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + (braced ? 2 : 1)));
    if (match !== null) uses.push({ name: match[0], index: i });
  }
  return uses;
}

function closingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === "(") depth++;
    else if (text[i] === ")" && --depth === 0) return i;
  }
  return text.length;
}

/** True when `text` mentions `$name` or `${name...}` anywhere, shell text included. */
export function mentions(text: string, name: string): boolean {
  return new RegExp(`\\$\\{?${name}(?![A-Za-z0-9_])`).test(text);
}

/** The range of `length` characters at `index` of a single-line word (the whole word otherwise). */
export function rangeInWord(word: Word, index: number, length: number): SourceRange {
  const { start, end } = word.range;
  if (start.line !== end.line || end.offset - start.offset !== word.text.length) return word.range;
  const at = (k: number) => ({ line: start.line, column: start.column + k, offset: start.offset + k });
  return { file: word.range.file, start: at(index), end: at(index + length) };
}

/** The range of `length` characters at `offset` of the file's text. */
export function rangeAt(text: string, file: string, offset: number, length: number): SourceRange {
  const point = (at: number) => {
    const before = text.slice(0, at);
    const line = before.split("\n").length;
    return { line, column: at - before.lastIndexOf("\n"), offset: at };
  };
  return { file, start: point(offset), end: point(offset + length) };
}
