/**
 * The Buildfile lexer. A Buildfile is line-oriented: every statement is one logical line (physical
 * lines joined by `\` continuations, which may have comment lines inside), a target's recipe is
 * indented, and arguments are atoms: runs of non-blanks that may hold quoted strings and balanced
 * `$(...)` shell-outs with blanks inside.
 *
 * Indentation is not a token: the visitor checks it from each statement's column, which keeps the
 * grammar LL(1). Chevrotain lexes words; a keyword is a word in command position (first on its line, or the IF after
 * ELSE), retyped after lexing. So `RUN echo FROM` has one keyword, and `RUNN` stays a word the parser
 * can call an unknown command with a suggestion.
 */
import { createToken, Lexer, type IToken, type TokenType } from "chevrotain";

type Matcher = (text: string, offset: number) => RegExpExecArray | null;

/** Wraps a hand-written scanner as a Chevrotain custom pattern. */
function matched(text: string, start: number, end: number): RegExpExecArray | null {
  if (end <= start) return null;
  return [text.slice(start, end)] as unknown as RegExpExecArray;
}

function isBlank(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

function atLineStart(text: string, offset: number): boolean {
  return offset === 0 || text.charCodeAt(offset - 1) === 10;
}

/** Whether the line before `offset` (a line start) ends in a `\` continuation. */
function continuesLine(text: string, offset: number): boolean {
  let i = offset - 2; // before the \n
  while (i >= 0 && (text.charCodeAt(i) === 13 || text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i--;
  return i >= 0 && text.charCodeAt(i) === 92;
}

/** `\` + optional blanks + newline, then any comment-only lines, then the next line's indentation. */
const continuationPattern = /\\[ \t]*\r?\n(?:[ \t]*#[^\r\n]*\r?\n)*[ \t]*/y;

/**
 * Unterminated quotes and shell-outs found while lexing. Custom matchers cannot return errors, so
 * they note them here; `lex` resets and collects the list (lexing is synchronous).
 */
let unterminated: LexProblem[] = [];

function noteUnterminated(start: number, end: number, what: string): number {
  unterminated.push({ offset: start, length: Math.max(1, end - start), message: `unterminated ${what}` });
  return end;
}

/** Index after a `"..."` starting at `i`; an unterminated string stops before the end of its line. */
function skipDoubleQuoted(text: string, i: number): number {
  const start = i;
  i++;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 34) return i + 1;
    if (c === 92) i += 2;
    else if (c === 10) return noteUnterminated(start, i, 'string: add the closing "');
    else i++;
  }
  return noteUnterminated(start, text.length, 'string: add the closing "');
}

function skipSingleQuoted(text: string, i: number): number {
  const start = i;
  i++;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 39) return i + 1;
    if (c === 10) return noteUnterminated(start, i, "string: add the closing '");
    i++;
  }
  return noteUnterminated(start, text.length, "string: add the closing '");
}

/** Index after a balanced `$( ... )` starting at `i` (quotes and nested parens inside). */
function skipShellOut(text: string, i: number): number {
  const start = i;
  let depth = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 40) depth++;
    else if (c === 41) {
      depth--;
      if (depth === 0) return i + 1;
    } else if (c === 34) {
      i = skipDoubleQuoted(text, i);
      continue;
    } else if (c === 39) {
      i = skipSingleQuoted(text, i);
      continue;
    } else if (c === 92) {
      i += 2;
      continue;
    } else if (c === 10) return noteUnterminated(start, i, "$( ... ): add the closing )");
    i++;
  }
  return noteUnterminated(start, text.length, "$( ... ): add the closing )");
}

const matchWord: Matcher = (text, offset) => {
  let i = offset;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (isBlank(c)) break;
    if (c === 34) i = skipDoubleQuoted(text, i);
    else if (c === 39) i = skipSingleQuoted(text, i);
    else if (c === 36 && text.charCodeAt(i + 1) === 40) i = skipShellOut(text, i);
    else if (c === 92) {
      continuationPattern.lastIndex = i;
      if (continuationPattern.test(text)) break;
      i += 2;
    } else i++;
  }
  return matched(text, offset, Math.min(i, text.length));
};

const matchComment: Matcher = (text, offset) => {
  if (text.charCodeAt(offset) !== 35) return null;
  if (offset > 0 && !isBlank(text.charCodeAt(offset - 1))) return null;
  let end = text.indexOf("\n", offset);
  if (end < 0) end = text.length;
  if (text.charCodeAt(end - 1) === 13) end--;
  return matched(text, offset, end);
};

const headerPattern = /[a-zA-Z_][a-zA-Z0-9._-]*:(?=[ \t\r\n]|$)/y;
const matchHeader: Matcher = (text, offset) => {
  if (!atLineStart(text, offset) || continuesLine(text, offset)) return null;
  headerPattern.lastIndex = offset;
  return headerPattern.exec(text);
};

/** End of a logical line, with any blank or comment-only lines after it. */
export const Newline = createToken({
  name: "Newline",
  pattern: /\r?\n(?:[ \t]*(?:#[^\r\n]*)?\r?\n)*/,
  line_breaks: true,
});
export const Continuation = createToken({
  name: "Continuation",
  pattern: continuationPattern,
  group: Lexer.SKIPPED,
  line_breaks: true,
});
export const Comment = createToken({
  name: "Comment",
  pattern: { exec: matchComment },
  start_chars_hint: ["#"],
  group: Lexer.SKIPPED,
  line_breaks: false,
});
export const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /[ \t\r\f\v]+/, group: Lexer.SKIPPED });
/** `name:` (a target) or `NAME:` (a function) at the start of a line. */
export const Header = createToken({
  name: "Header",
  pattern: { exec: matchHeader },
  line_breaks: false,
});
/** One argument: blanks end it, except inside quotes or `$(...)`. */
export const Word = createToken({ name: "Word", pattern: { exec: matchWord }, line_breaks: true });

/** Keywords that start a one-line command; the parser treats them alike, the visitor tells them apart. */
export const CommandKeyword = createToken({ name: "CommandKeyword", pattern: Lexer.NA });

const commandKeywordNames = [
  "VERSION", "FROM", "LOCALLY", "RUN", "COPY", "ARG", "LET", "SET", "ENV", "WORKDIR", "USER",
  "ENTRYPOINT", "CMD", "LABEL", "EXPOSE", "VOLUME", "HEALTHCHECK", "SAVE", "BUILD", "DO", "IMPORT",
  "CACHE", "HOST", "GIT", "PROJECT", "FUNCTION", "COMMAND", "ADD", "SHELL", "ONBUILD", "STOPSIGNAL",
] as const;

function keyword(name: string, categories: TokenType[] = []): TokenType {
  return createToken({ name, pattern: Lexer.NA, categories });
}

export const If = keyword("IF");
export const Else = keyword("ELSE");
export const For = keyword("FOR");
export const Wait = keyword("WAIT");
export const Try = keyword("TRY");
export const Catch = keyword("CATCH");
export const Finally = keyword("FINALLY");
export const With = keyword("WITH");
export const End = keyword("END");

const commandKeywords = commandKeywordNames.map((name) => keyword(name, [CommandKeyword]));
const blockKeywords = [If, Else, For, Wait, Try, Catch, Finally, With, End];

/** Every keyword by its spelling. */
export const keywords: ReadonlyMap<string, TokenType> = new Map(
  [...commandKeywords, ...blockKeywords].map((t) => [t.name, t] as const),
);

/** Every spelling a statement may start with (for "did you mean"). */
export const statementKeywords: readonly string[] = [
  ...commandKeywordNames,
  "IF", "ELSE", "FOR", "WAIT", "TRY", "CATCH", "FINALLY", "WITH", "END",
  "SAVE ARTIFACT", "SAVE IMAGE", "FROM DOCKERFILE", "GIT CLONE", "WITH DOCKER", "ELSE IF",
];

/** Token types the parser sees, in the order the lexer tries them (first match wins). */
const lexedTokens = [Newline, Continuation, Comment, WhiteSpace, Header, Word];

export const allTokens: TokenType[] = [...lexedTokens, CommandKeyword, ...commandKeywords, ...blockKeywords];

const lexer = new Lexer(lexedTokens, {
  positionTracking: "onlyOffset",
  ensureOptimizations: false,
  skipValidations: true,
});

/** A character the lexer could not place (never expected: Word accepts any non-blank). */
export interface LexProblem {
  offset: number;
  length: number;
  message: string;
}

/**
 * Lexes a Buildfile into parser tokens. Words in command position become keyword tokens, and the
 * token list always ends with a Newline so the last statement is terminated.
 */
export function lex(text: string): { tokens: IToken[]; problems: LexProblem[] } {
  unterminated = [];
  const result = lexer.tokenize(text);
  const tokens = result.tokens;
  let commandPosition = true;
  for (const token of tokens) {
    const type = token.tokenType;
    if (type === Word) {
      const kw: TokenType | undefined = commandPosition ? keywords.get(token.image) : undefined;
      if (kw !== undefined) {
        token.tokenType = kw;
        token.tokenTypeIdx = kw.tokenTypeIdx!;
        commandPosition = kw === Else; // ELSE IF
        continue;
      }
      commandPosition = false;
    } else {
      commandPosition = type === Newline;
    }
  }
  const last = tokens[tokens.length - 1];
  if (last === undefined || last.tokenType !== Newline) {
    tokens.push(syntheticNewline(text.length));
  }
  const problems = result.errors.map((e) => ({ offset: e.offset, length: e.length, message: `unexpected character ${JSON.stringify(text.slice(e.offset, e.offset + 1))}` }));
  problems.push(...unterminated);
  unterminated = [];
  return { tokens, problems };
}

function syntheticNewline(offset: number): IToken {
  return {
    image: "",
    startOffset: offset,
    endOffset: offset - 1,
    tokenType: Newline,
    tokenTypeIdx: Newline.tokenTypeIdx!,
  };
}
