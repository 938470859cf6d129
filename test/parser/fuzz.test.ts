/**
 * Fuzzing with a fixed seed: thousands of mutated and random inputs, none may throw, and every
 * problem and every AST node has a valid range. `bench/fuzz-parse.ts` runs many more.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseBuildfile } from "../../src/parser/index.js";
import { badRange, fixtureTexts, fuzzInput, random, ranges } from "./fuzz-inputs.js";

const runs = 3000;

test(`${runs} mutated and random inputs parse without a crash, every problem positioned`, () => {
  const rand = random(20261123);
  const corpus = fixtureTexts();
  let withProblems = 0;
  for (let i = 0; i < runs; i++) {
    const text = fuzzInput(rand, corpus);
    const result = parseBuildfile(text, "Buildfile");
    const lines = text.split("\n").length;
    for (const p of result.problems) {
      assert.ok(!p.message.startsWith("internal parser error"), `input #${i} crashed the parser: ${p.message}\n${text}`);
      assert.ok(p.message.length > 0);
      const bad = badRange(p.range, text, lines);
      assert.equal(bad, undefined, `input #${i}: problem "${p.message}" has a bad range: ${bad}\n${text}`);
    }
    for (const range of ranges(result.buildfile)) {
      const bad = badRange(range, text, lines);
      assert.equal(bad, undefined, `input #${i}: an AST node has a bad range: ${bad}\n${text}`);
    }
    if (result.problems.length > 0) withProblems++;
  }
  // The mutations must actually break files, or this test proves little.
  assert.ok(withProblems > runs / 3, `only ${withProblems} of ${runs} inputs had problems`);
});

test("hostile inputs: empty, only blanks, NUL bytes, unbalanced everything", () => {
  for (const text of ["", "\n\n", "   ", "\u0000", "\\", "\\\n", '"', "$(", "((((", "RUN $(((((", "a:", "A:", "END", "ELSE IF", "\r\n\r\n", "#", "VERSION"]) {
    const result = parseBuildfile(text, "Buildfile");
    for (const p of result.problems) assert.equal(badRange(p.range, text), undefined, JSON.stringify(text));
    assert.ok(!result.problems.some((p) => p.message.startsWith("internal parser error")), JSON.stringify(text));
  }
});
