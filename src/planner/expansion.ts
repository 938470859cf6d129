/**
 * Expanding Buildfile words for the planner: the grammar's Dockerfile-parity expander, with the
 * variables of the current invocation, `$(...)` run by the engine, and failures turned into
 * EbuildErrors at the exact column of the word.
 */
import { EbuildError, type SourcePosition } from "../errors.js";
import type { SourceRange, Word } from "../parser/ast.js";
import type { BuildPlace, Engine } from "./engine.js";
import { expandWord, expandWords, ExpansionError, mayShellOut, expandWordSync, expandWordsSync } from "./expand/index.js";

/** The variables and the engine a word expands with. */
export interface ExpansionScope {
  lookup(name: string): string | undefined;
  engine: Engine | undefined;
  place(): BuildPlace;
}

/** The position of a node, for errors. */
export function positionOf(range: SourceRange): SourcePosition {
  return { file: range.file, line: range.start.line, column: range.start.column };
}

/** Expands one word (quotes removed, no splitting). */
export async function expandOne(word: Word, scope: ExpansionScope): Promise<string> {
  return guard(word, () => (mayShellOut(word.text) ? expandWord(word.text, envOf(scope)) : expandWordSync(word.text, scope)));
}

/** Expands a word and splits it on unquoted whitespace, as EXPOSE and FOR do. */
export async function expandSplit(word: Word, scope: ExpansionScope): Promise<string[]> {
  return guard(word, () => (mayShellOut(word.text) ? expandWords(word.text, envOf(scope)) : expandWordsSync(word.text, scope)));
}

function envOf(scope: ExpansionScope) {
  return {
    lookup: (name: string) => scope.lookup(name),
    shellOut: scope.engine === undefined ? undefined : (command: string) => scope.engine!.shellOut(scope.place(), command),
  };
}

async function guard<T>(word: Word, run: () => T | Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof ExpansionError)) throw err;
    const at = positionOf(word.range);
    // Words written on one line: the offset in the word is the offset in the line.
    const column = at.column + err.offset;
    throw new EbuildError("semantic", err.message, {
      at: { ...at, column },
      hint: err.kind === "shell-out-unavailable" ? "$(...) needs the BuildKit daemon; run `ebuild plan` with a daemon running" : undefined,
      cause: err,
    });
  }
}
