/**
 * The source as the formatter sees it: logical lines (a keyword or target header and its words,
 * with what sits between the words) and the trivia between them (comment lines and blank lines).
 *
 * The AST drops comments and spacing, so they are read back here from the lexer's tokens and the
 * text between them: a Buildfile's comments only ever sit on lines of their own, at the end of a
 * line, or on the lines of a `\` continuation.
 */
import type { IToken } from "chevrotain";
import { Header, lex, Newline } from "../parser/tokens.js";

/** What separates two words of one logical line. */
export interface Gap {
  /** The source text between the two words. */
  text: string;
  /** The words are on different physical lines (a `\` continuation lies between them). */
  broken: boolean;
  /** Comment lines inside the continuation, trimmed. */
  comments: string[];
  /** Indentation width of the physical line the second word starts. */
  indent: number;
  /**
   * No blank on either side of the continuation: the shell joins the two words into one
   * (`foo\` + newline + `bar` is `foobar`), so the gap must stay exactly as written.
   */
  glued: boolean;
}

/** One logical line: a statement, a block keyword line, or a target header. */
export interface LogicalLine {
  kind: "line";
  tokens: IToken[];
  /** `gaps[i]` lies before `tokens[i]`; `gaps[0]` is unused. */
  gaps: Gap[];
  /** Indentation width of the line's first word. */
  column: number;
  /** A `# comment` after the last word, trimmed. */
  trailing?: string;
}

/** A comment on a line of its own. */
export interface CommentLine {
  kind: "comment";
  text: string;
  column: number;
}

export interface BlankLine {
  kind: "blank";
}

export type SourceLine = LogicalLine | CommentLine | BlankLine;

/** Width of leading blanks, a tab counting as four columns. */
export function widthOf(blanks: string): number {
  let width = 0;
  for (const c of blanks) {
    if (c === "\t") width += 4;
    else if (c === " ") width++;
    else break;
  }
  return width;
}

function gapOf(text: string): Gap {
  const pieces = text.split("\n");
  if (pieces.length === 1) return { text, broken: false, comments: [], indent: 0, glued: false };
  const comments = pieces
    .slice(1, -1)
    .map((p) => p.trim())
    .filter((p) => p.startsWith("#"));
  const last = pieces[pieces.length - 1]!;
  const glued = !/^[ \t]/.test(pieces[0]!) && last === "";
  return { text, broken: true, comments, indent: widthOf(last), glued };
}

/** Splits trivia text (between two logical lines) into comment and blank lines. */
function triviaLines(text: string, out: SourceLine[]): void {
  for (const piece of text.split("\n")) {
    const trimmed = piece.trim();
    // A line holding only `\` is an empty continuation: it reads as a blank line.
    if (trimmed === "" || trimmed === "\\") out.push({ kind: "blank" });
    else out.push({ kind: "comment", text: trimmed, column: widthOf(piece) });
  }
}

/**
 * Reads a file that parsed without problems into its logical lines and trivia, in file order.
 * Blank lines come out as written; the printer decides which to keep.
 */
export function sourceLines(text: string): SourceLine[] {
  const tokens = lex(text).tokens.filter((t) => t.image !== "");
  const groups: IToken[][] = [];
  let current: IToken[] = [];
  for (const token of tokens) {
    if (token.tokenType === Newline || token.tokenType === Header) {
      if (current.length > 0) groups.push(current);
      current = token.tokenType === Header ? [token] : [];
    } else current.push(token);
  }
  if (current.length > 0) groups.push(current);

  const out: SourceLine[] = [];
  let offset = 0;
  for (const group of groups) {
    const first = group[0]!;
    const lineStart = text.lastIndexOf("\n", first.startOffset - 1) + 1;
    // The comment and blank lines between the previous logical line and this one.
    if (lineStart > offset) triviaLines(text.slice(offset, lineStart - 1), out);
    const line: LogicalLine = { kind: "line", tokens: group, gaps: [], column: widthOf(text.slice(lineStart, first.startOffset)) };
    for (let i = 0; i < group.length; i++) {
      const previous = group[i - 1];
      line.gaps.push(previous === undefined ? gapOf("") : gapOf(text.slice(endOf(previous), group[i]!.startOffset)));
    }
    const rest = restOfLine(text, endOf(group[group.length - 1]!), line);
    out.push(line, ...rest.comments);
    offset = rest.offset;
  }
  if (offset < text.length) triviaLines(text.slice(offset).replace(/\r?\n$/, ""), out);
  return out;
}

function endOf(token: IToken): number {
  return token.startOffset + token.image.length;
}

/**
 * Reads what follows a line's last word up to the end of its physical line: a trailing comment,
 * or a dangling `\` whose continuation lines (comments only) become comment lines after it.
 * Returns the offset just past what was read.
 */
function restOfLine(text: string, from: number, line: LogicalLine): { offset: number; comments: CommentLine[] } {
  const comments: CommentLine[] = [];
  let end = text.indexOf("\n", from);
  if (end < 0) end = text.length;
  const rest = text.slice(from, end).trim();
  if (rest.startsWith("#")) line.trailing = rest;
  else if (rest === "\\") {
    let at = end + 1;
    while (at < text.length) {
      let next = text.indexOf("\n", at);
      if (next < 0) next = text.length;
      const piece = text.slice(at, next);
      if (!piece.trim().startsWith("#")) break;
      comments.push({ kind: "comment", text: piece.trim(), column: widthOf(piece) });
      at = next + 1;
    }
    end = at - 1;
  }
  return { offset: Math.min(text.length, end + 1), comments };
}
