/**
 * Variable expansion for every non-RUN argument of a Buildfile, with Dockerfile parity: `$VAR`,
 * `${VAR}`, `${VAR:-w}` `${VAR-w}` `${VAR:+w}` `${VAR+w}` `${VAR:?m}` `${VAR?m}`, `${VAR#p}` `${VAR##p}`
 * `${VAR%p}` `${VAR%%p}` (glob patterns), `${VAR/p/r}` `${VAR//p/r}`, quotes, escapes, and `$(command)`.
 *
 * `expandWord` and `expandWords` are async because `$(...)` runs a command in the build environment;
 * the `...Sync` variants serve the common case without `$(` (planning speed) and fail on one.
 */
import { ExpansionError } from "./errors.js";
import { lexWord, type LexScope } from "./lexer.js";

export { ExpansionError, type ExpansionErrorKind } from "./errors.js";
export { parseKeyValuePairs, type KeyValuePair, type KeyValueForm, type KeyValuePairs } from "./key-value.js";

/** Where variables come from, and how `$(...)` runs. */
export interface ExpansionEnv {
  /** The value of a variable, or undefined when it is not set (`${X-d}` tells unset from empty). */
  lookup(name: string): string | undefined;
  /**
   * Runs a `$(...)` command in the current build environment and resolves to its standard output
   * (trailing newlines are removed here). Without it, a word holding `$(...)` fails to expand.
   */
  shellOut?: (command: string) => Promise<string>;
}

/** The synchronous environment: variables only. */
export interface SyncExpansionEnv {
  lookup(name: string): string | undefined;
}

// Words without these characters expand to themselves; most Buildfile arguments are such words.
const specialChars = /[$'"\\]/;
const spaceRun = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

/** True when the text may contain a `$(...)` and so needs the async expander. */
export function mayShellOut(text: string): boolean {
  return text.includes("$(");
}

/** Expands one word: variables substituted, quotes and escapes removed, spaces kept. */
export async function expandWord(word: string, env: ExpansionEnv): Promise<string> {
  if (!specialChars.test(word)) return word;
  return (await lexWithShellOuts(word, env, false)).word;
}

/**
 * Expands a text and splits it into words as Dockerfile's ProcessWords does: splitting happens after
 * expansion, on unquoted whitespace, including whitespace that came from an unquoted variable or
 * `$(...)`; an empty quoted word (`""`) yields no word. Docker applies it to each EXPOSE argument
 * (`EXPOSE $PORTS` with PORTS="80 443" exposes two ports); call it once per argument of the command.
 */
export async function expandWords(text: string, env: ExpansionEnv): Promise<string[]> {
  if (!specialChars.test(text)) return splitPlain(text);
  return (await lexWithShellOuts(text, env, true)).words;
}

/** `expandWord` for words without `$(...)`; throws `shell-out-unavailable` on one. */
export function expandWordSync(word: string, env: SyncExpansionEnv): string {
  if (!specialChars.test(word)) return word;
  return lexWord(word, syncScope(env), false).word;
}

/** `expandWords` for texts without `$(...)`; throws `shell-out-unavailable` on one. */
export function expandWordsSync(text: string, env: SyncExpansionEnv): string[] {
  if (!specialChars.test(text)) return splitPlain(text);
  return lexWord(text, syncScope(env), true).words;
}

function splitPlain(text: string): string[] {
  return text.split(spaceRun).filter((word) => word !== "");
}

function syncScope(env: SyncExpansionEnv): LexScope {
  return {
    lookup: (name) => env.lookup(name),
    shellOut: (_command, offset) => {
      throw new ExpansionError("shell-out-unavailable", "$(...) cannot run here: there is no build environment", offset, 2);
    },
  };
}

/** Signals that the lexer reached a `$(...)` whose output is not known yet. */
class PendingShellOut {
  constructor(
    readonly command: string,
    readonly offset: number,
  ) {}
}

/**
 * Runs the synchronous lexer; when it reaches a command substitution whose output is not known, it
 * stops, the command runs, and the lexer starts over with that output remembered. The lexer is
 * deterministic, so the n-th substitution of each pass is the same command. Words hold one or two
 * substitutions at most in practice, and each command runs exactly once, in order.
 */
async function lexWithShellOuts(word: string, env: ExpansionEnv, split: boolean) {
  const outputs: string[] = [];
  for (;;) {
    let index = 0;
    const scope: LexScope = {
      lookup: (name) => env.lookup(name),
      shellOut: (command, offset) => {
        if (index < outputs.length) return outputs[index++]!;
        throw new PendingShellOut(command, offset);
      },
    };
    try {
      return lexWord(word, scope, split);
    } catch (err) {
      if (!(err instanceof PendingShellOut)) throw err;
      outputs.push(await runShellOut(err, env));
    }
  }
}

async function runShellOut(pending: PendingShellOut, env: ExpansionEnv): Promise<string> {
  if (env.shellOut === undefined) {
    throw new ExpansionError("shell-out-unavailable", "$(...) cannot run here: there is no build environment", pending.offset, 2);
  }
  try {
    return await env.shellOut(pending.command);
  } catch (err) {
    if (err instanceof ExpansionError) throw err;
    const reason = err instanceof Error ? err.message : String(err);
    throw new ExpansionError("shell-out-failed", `$(${pending.command}) failed: ${reason}`, pending.offset, pending.command.length + 3, err);
  }
}
