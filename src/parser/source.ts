/**
 * Offsets to line/column positions for one source text. The lexer tracks offsets only (faster);
 * every range is computed here from a table of line starts.
 */
import type { SourcePoint, SourceRange } from "./ast.js";

export class SourceText {
  readonly text: string;
  readonly file: string;
  private readonly lineStarts: number[];
  /** The line (0-based) of the last lookup: lookups mostly move forward a little at a time. */
  private lastLine = 0;

  constructor(text: string, file: string) {
    this.text = text;
    this.file = file;
    const starts = [0];
    let i = text.indexOf("\n");
    while (i >= 0) {
      starts.push(i + 1);
      i = text.indexOf("\n", i + 1);
    }
    this.lineStarts = starts;
  }

  /** The position of an offset (clamped into the text). */
  point(offset: number): SourcePoint {
    const o = Math.max(0, Math.min(offset, this.text.length));
    const line = this.lineIndexOf(o);
    return { line: line + 1, column: this.columnOf(o, line), offset: o };
  }

  /** The 0-based line of an offset already in the text. */
  lineIndexOf(o: number): number {
    const starts = this.lineStarts;
    const near = this.lastLine;
    if (this.#isOn(near, o)) return near;
    // The next line: statements are mostly read one after another.
    if (this.#isOn(near + 1, o)) return (this.lastLine = near + 1);
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    this.lastLine = lo;
    return lo;
  }

  /** Whether offset `o` is on the 0-based `line`. */
  #isOn(line: number, o: number): boolean {
    const starts = this.lineStarts;
    return line < starts.length && starts[line]! <= o && (line + 1 >= starts.length || starts[line + 1]! > o);
  }

  /** The 1-based column of an offset on its 0-based line. */
  columnOf(o: number, line: number): number {
    return o - this.lineStarts[line]! + 1;
  }

  /** The range from `start` to `end` (exclusive offsets). */
  range(start: number, end: number): SourceRange {
    const from = Math.max(0, Math.min(start, this.text.length));
    return new OffsetRange(this, from, Math.max(from, Math.min(end, this.text.length)));
  }

  /** The text of a 1-based line without its line break. */
  line(line: number): string {
    const start = this.lineStarts[line - 1];
    if (start === undefined) return "";
    const next = this.lineStarts[line];
    let end = next === undefined ? this.text.length : next - 1;
    if (this.text.charCodeAt(end - 1) === 13) end--;
    return this.text.slice(start, Math.max(start, end));
  }

  /** How many blanks precede `offset` on its line (the indentation of a statement). */
  indentOf(offset: number): number {
    return this.point(offset).column - 1;
  }

  /**
   * The comment block ending on the line directly above `line` (no blank line between), each
   * line with `#` and one following space removed; undefined when there is none.
   */
  docsAbove(line: number): string | undefined {
    const lines: string[] = [];
    for (let l = line - 1; l >= 1; l--) {
      const trimmed = this.line(l).trim();
      if (!trimmed.startsWith("#")) break;
      lines.push(trimmed.replace(/^# ?/, ""));
    }
    if (lines.length === 0) return undefined;
    return lines.reverse().join("\n");
  }
}

/**
 * A range kept as its offsets, its points made when read. A syntax tree has a range per word and
 * per node: as plain objects, a range and its two points were half of a tree's objects, and the
 * planner's collector copied them all. `file` and the offsets are its own fields, so two ranges
 * compare equal exactly when they are the same span; JSON shows the plain {file, start, end}.
 */
class OffsetRange implements SourceRange {
  readonly #source: SourceText;

  constructor(
    source: SourceText,
    readonly startOffset: number,
    readonly endOffset: number,
  ) {
    this.#source = source;
    this.file = source.file;
  }

  readonly file: string;

  get start(): SourcePoint {
    return this.#source.point(this.startOffset);
  }

  get end(): SourcePoint {
    return this.#source.point(this.endOffset);
  }

  /** Where the range starts as a file position, without making its point. */
  startPosition(): { file: string; line: number; column: number } {
    const line = this.#source.lineIndexOf(this.startOffset);
    return { file: this.file, line: line + 1, column: this.#source.columnOf(this.startOffset, line) };
  }

  toJSON(): { file: string; start: SourcePoint; end: SourcePoint } {
    return { file: this.file, start: this.start, end: this.end };
  }
}

/** Where a range starts, as an offset: read without making its point when it is an OffsetRange. */
export function startOffsetOf(range: SourceRange): number {
  return range instanceof OffsetRange ? range.startOffset : range.start.offset;
}

/** Where a range ends (exclusive), as an offset. */
export function endOffsetOf(range: SourceRange): number {
  return range instanceof OffsetRange ? range.endOffset : range.end.offset;
}

/** Where a range starts as a file position (`file`, 1-based `line` and `column`). */
export function startPositionOf(range: SourceRange): { file: string; line: number; column: number } {
  if (range instanceof OffsetRange) return range.startPosition();
  const start = range.start;
  return { file: range.file, line: start.line, column: start.column };
}
