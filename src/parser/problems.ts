/**
 * Syntax problems as a person reads them: `file:line:col: message`, the offending line with carets
 * under the range, what was expected, and a hint (often "did you mean ...").
 */
import type { SourceRange, SyntaxProblem } from "./ast.js";

/** Edit distance counting a swap of two neighbours as one edit (RNUN → RUN is 1, tyr → try is 1). */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** The candidate closest to `word` (case-insensitive), if it is close enough to be a misspelling. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toUpperCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = distance(w, candidate.toUpperCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const allowed = Math.max(1, Math.floor(word.length / 3));
  return bestDistance <= allowed ? best : undefined;
}

export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const match = closest(word, candidates);
  return match === undefined ? undefined : `did you mean ${match}?`;
}

export function problem(message: string, range: SourceRange, extra: { expected?: string[]; hint?: string } = {}): SyntaxProblem {
  const p: SyntaxProblem = { message, range };
  if (extra.expected !== undefined && extra.expected.length > 0) p.expected = extra.expected;
  if (extra.hint !== undefined) p.hint = extra.hint;
  return p;
}

/**
 * Formats a problem for a terminal:
 *
 *     Buildfile:3:5: unknown command RUNN
 *       3 |     RUNN echo hi
 *         |     ^^^^
 *       hint: did you mean RUN?
 */
export function formatProblem(p: SyntaxProblem, sourceText: string): string {
  const { start, end } = p.range;
  const lines = sourceText.split("\n");
  const line = (lines[start.line - 1] ?? "").replace(/\r$/, "");
  const gutter = String(start.line);
  const pad = " ".repeat(gutter.length);
  const caretStart = Math.max(0, start.column - 1);
  const caretEnd = end.line === start.line ? Math.max(caretStart + 1, end.column - 1) : Math.max(caretStart + 1, line.length);
  // A very long line is shown as a window around the caret, so one error cannot flood a terminal.
  const window = clipWindow(line.length, caretStart);
  const visible = (window.from > 0 ? "…" : "") + line.slice(window.from, window.to).replace(/\t/g, " ") + (window.to < line.length ? "…" : "");
  const shift = window.from > 0 ? window.from - 1 : 0;
  const caretFrom = caretStart - shift;
  const caretTo = Math.min(caretEnd - shift, visible.length);
  const carets = " ".repeat(Math.min(caretFrom, visible.length)) + "^".repeat(Math.max(1, Math.min(caretTo, Math.max(visible.length, caretFrom + 1)) - caretFrom));
  const out = [`${p.range.file}:${start.line}:${start.column}: ${p.message}`, `  ${gutter} | ${visible}`, `  ${pad} | ${carets}`];
  if (p.expected !== undefined && p.expected.length > 0) out.push(`  expected: ${p.expected.join(", ")}`);
  if (p.hint !== undefined) out.push(`  hint: ${p.hint}`);
  return out.join("\n");
}

const maxShownLine = 160;

/** The part of a line of `length` characters shown around column `at` (0-based). */
function clipWindow(length: number, at: number): { from: number; to: number } {
  if (length <= maxShownLine) return { from: 0, to: length };
  const from = Math.max(0, Math.min(at - maxShownLine / 4, length - maxShownLine));
  return { from, to: Math.min(length, from + maxShownLine) };
}
