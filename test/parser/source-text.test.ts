/**
 * SourceText: points of offsets, looked up in any order (it remembers the last line it found), and
 * ranges that keep offsets and make their points when read.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SourceText, startPositionOf } from "../../src/parser/source.js";

const text = "VERSION 0.8\n\nall:\n    BUILD +t\r\n\nt:\n    RUN echo \\\n        more\n";

/** The point of `offset` the plain way: count the newlines before it. */
function reference(offset: number): { line: number; column: number; offset: number } {
  const o = Math.max(0, Math.min(offset, text.length));
  const before = text.slice(0, o);
  const lineStart = before.lastIndexOf("\n") + 1;
  return { line: before.split("\n").length, column: o - lineStart + 1, offset: o };
}

test("every offset's point matches counting newlines, read forward, backward and jumping", () => {
  const src = new SourceText(text, "Buildfile");
  const offsets = [...Array(text.length + 3).keys()].map((i) => i - 1);
  const orders = [offsets, [...offsets].reverse(), offsets.map((_, i) => offsets[(i * 7) % offsets.length]!)];
  for (const order of orders) for (const offset of order) assert.deepEqual(src.point(offset), reference(offset), `offset ${offset}`);
});

test("a range reads its points from its offsets, clamped into the text, and prints as a plain range", () => {
  const src = new SourceText(text, "Buildfile");
  const range = src.range(18, 26);
  assert.equal(range.file, "Buildfile");
  assert.deepEqual(range.start, reference(18));
  assert.deepEqual(range.end, reference(26));
  assert.deepEqual(JSON.parse(JSON.stringify(range)), { file: "Buildfile", start: reference(18), end: reference(26) });
  const clamped = src.range(text.length + 5, 2);
  assert.deepEqual([clamped.start, clamped.end], [reference(text.length), reference(text.length)]);
  // Two ranges are equal exactly when they span the same text.
  assert.deepEqual(src.range(3, 9), new SourceText(text, "Buildfile").range(3, 9));
  assert.notDeepEqual(src.range(3, 9), src.range(3, 10));
});

test("a range's start position is its start point's line and column, for offset ranges and plain ones", () => {
  const src = new SourceText(text, "Buildfile");
  for (let offset = 0; offset <= text.length; offset += 3) {
    const { line, column } = reference(offset);
    assert.deepEqual(startPositionOf(src.range(offset, offset + 2)), { file: "Buildfile", line, column }, `offset ${offset}`);
  }
  assert.deepEqual(startPositionOf({ file: "x", start: { line: 2, column: 3, offset: 9 }, end: { line: 2, column: 4, offset: 10 } }), { file: "x", line: 2, column: 3 });
});
