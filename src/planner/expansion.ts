/**
 * Expanding Buildfile words for the planner: the grammar's Dockerfile-parity expander, with the
 * variables of the current invocation, `$(...)` run by the engine, and failures turned into
 * EbuildErrors at the exact column of the word.
 */
import { EbuildError, type SourcePosition } from "../errors.js";
import type { SourceRange, Word } from "../parser/ast.js";
import type { BuildPlace, Engine } from "./engine.js";
import { expandWord, expandWords, ExpansionError, mayShellOut, expandWordSync, expandWordsSync } from "./expand/index.js";
import type { Maybe } from "./maybe.js";

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

/** Expands one word (quotes removed, no splitting): now, unless it has a `$(...)` for the engine. */
export function expandNow(word: Word, scope: ExpansionScope): Maybe<string> {
  if (mayShellOut(word.text)) return guardAsync(word, () => expandWord(word.text, envOf(scope)));
  return guard(word, () => expandWordSync(word.text, scope));
}

/** Expands a word and splits it on unquoted whitespace, as EXPOSE and FOR do. */
export function expandSplitNow(word: Word, scope: ExpansionScope): Maybe<string[]> {
  if (mayShellOut(word.text)) return guardAsync(word, () => expandWords(word.text, envOf(scope)));
  return guard(word, () => expandWordsSync(word.text, scope));
}

/** {@link expandNow} for callers that await anyway. */
export async function expandOne(word: Word, scope: ExpansionScope): Promise<string> {
  return expandNow(word, scope);
}

/** {@link expandSplitNow} for callers that await anyway. */
export async function expandSplit(word: Word, scope: ExpansionScope): Promise<string[]> {
  return expandSplitNow(word, scope);
}

function envOf(scope: ExpansionScope) {
  return {
    lookup: (name: string) => scope.lookup(name),
    shellOut: scope.engine === undefined ? undefined : (command: string) => scope.engine!.shellOut(scope.place(), command),
  };
}

function guard<T>(word: Word, run: () => T): T {
  try {
    return run();
  } catch (err) {
    throw positionedExpansionError(word, err);
  }
}

async function guardAsync<T>(word: Word, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw positionedExpansionError(word, err);
  }
}

/** An expander's error at the exact column of the word; other errors as they are. */
function positionedExpansionError(word: Word, err: unknown): unknown {
  if (!(err instanceof ExpansionError)) return err;
  const at = positionOf(word.range);
  // Words written on one line: the offset in the word is the offset in the line.
  const column = at.column + err.offset;
  return new EbuildError("semantic", err.message, {
    at: { ...at, column },
    hint: err.kind === "shell-out-unavailable" ? "$(...) needs the BuildKit daemon; run `ebuild plan` with a daemon running" : undefined,
    cause: err,
  });
}
