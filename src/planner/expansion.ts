/**
 * Expanding Buildfile words for the planner: the grammar's Dockerfile-parity expander, with the
 * variables of the current invocation, `$(...)` run by the engine, and failures turned into
 * EbuildErrors at the exact column of the word.
 */
import { EbuildError, type SourcePosition } from "../errors.js";
import type { SourceRange, Word } from "../parser/ast.js";
import { startPositionOf } from "../parser/source.js";
import type { BuildPlace, Engine } from "./engine.js";
import { expandWord, expandWords, ExpansionError, mayShellOut, expandWordSync, expandWordsSync } from "./expand/index.js";
import type { Maybe } from "./maybe.js";

/** The variables and the engine a word expands with. */
export interface ExpansionScope {
  lookup(name: string): string | undefined;
  engine: Engine | undefined;
  place(): BuildPlace;
  /** Runs `$(...)` elsewhere than in the engine (a LOCALLY target's, on the host); `at` is the word's. */
  shellOut?: ((command: string, at: SourcePosition) => Promise<string>) | undefined;
}

/** The position of a node, for errors. */
export function positionOf(range: SourceRange): SourcePosition {
  return startPositionOf(range);
}

/** Expands one word (quotes removed, no splitting): now, unless it has a `$(...)` to run. */
export function expandNow(word: Word, scope: ExpansionScope): Maybe<string> {
  if (mayShellOut(word.text)) return guardAsync(word, () => expandWord(word.text, envOf(scope, word)));
  return guard(word, () => expandWordSync(word.text, scope));
}

/** Expands a word and splits it on unquoted whitespace, as EXPOSE and FOR do. */
export function expandSplitNow(word: Word, scope: ExpansionScope): Maybe<string[]> {
  if (mayShellOut(word.text)) return guardAsync(word, () => expandWords(word.text, envOf(scope, word)));
  return guard(word, () => expandWordsSync(word.text, scope));
}

/**
 * Expands the words of one statement (an absent word stays undefined): all at once when none has a
 * `$(...)`, else when every command has run.
 */
export function expandAllNow(words: ReadonlyArray<Word | undefined>, scope: ExpansionScope): Maybe<Array<string | undefined>> {
  let waiting = false;
  const values: Array<Maybe<string> | undefined> = [];
  for (const word of words) {
    const value = word === undefined ? undefined : expandNow(word, scope);
    if (value instanceof Promise) waiting = true;
    values.push(value);
  }
  return waiting ? Promise.all(values) : (values as Array<string | undefined>);
}

/** {@link expandNow} for callers that await anyway. */
export async function expandOne(word: Word, scope: ExpansionScope): Promise<string> {
  return expandNow(word, scope);
}

/** {@link expandSplitNow} for callers that await anyway. */
export async function expandSplit(word: Word, scope: ExpansionScope): Promise<string[]> {
  return expandSplitNow(word, scope);
}

function envOf(scope: ExpansionScope, word: Word) {
  const elsewhere = scope.shellOut;
  return {
    lookup: (name: string) => scope.lookup(name),
    shellOut:
      elsewhere !== undefined
        ? (command: string) => elsewhere(command, positionOf(word.range))
        : scope.engine === undefined
          ? undefined
          : (command: string) => scope.engine!.shellOut(scope.place(), command),
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

/** An expander's error at the exact column of the word; other errors (and cancellation) as they are. */
function positionedExpansionError(word: Word, err: unknown): unknown {
  if (!(err instanceof ExpansionError)) return err;
  if (err.cause instanceof EbuildError && err.cause.kind === "cancelled") return err.cause;
  const at = positionOf(word.range);
  // Words written on one line: the offset in the word is the offset in the line.
  const column = at.column + err.offset;
  // A command refused before it ran (a LOCALLY target's, out of order) says why in its own words.
  const refusal = err.cause instanceof EbuildError && err.cause.kind === "semantic" ? err.cause : undefined;
  return new EbuildError("semantic", refusal?.message ?? err.message, {
    at: { ...at, column },
    hint: err.kind === "shell-out-unavailable" ? "$(...) needs the BuildKit daemon; run `ebuild plan` with a daemon running" : hintOf(err.cause),
    cause: err,
  });
}

/** A failed command's own hint (a host command's error output, a refusal's way out). */
function hintOf(cause: unknown): string | undefined {
  return cause instanceof EbuildError ? cause.hint : undefined;
}
