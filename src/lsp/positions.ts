/**
 * Between the AST's positions (lines and columns from 1, UTF-16 offsets) and LSP's (lines and
 * characters from 0, UTF-16 by default), so no other module does the arithmetic.
 */
import type { Position, Range } from "vscode-languageserver";
import type { SourceRange } from "../parser/index.js";

export function toRange(range: SourceRange): Range {
  return {
    start: { line: range.start.line - 1, character: range.start.column - 1 },
    end: { line: range.end.line - 1, character: range.end.column - 1 },
  };
}

/** Whether the cursor is on the range, its end included (a cursor right after a word is on it). */
export function touches(range: SourceRange, at: Position): boolean {
  const line = at.line + 1;
  const column = at.character + 1;
  if (line < range.start.line || line > range.end.line) return false;
  if (line === range.start.line && column < range.start.column) return false;
  if (line === range.end.line && column > range.end.column) return false;
  return true;
}

/** The `name` of a `name:` line, given the range of the whole target or function (which starts at the name). */
export function headerRange(range: SourceRange, name: string): SourceRange {
  const { start } = range;
  return { file: range.file, start, end: { line: start.line, column: start.column + name.length, offset: start.offset + name.length } };
}
