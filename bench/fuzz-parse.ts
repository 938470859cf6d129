/**
 * A long fuzz run of the parser: N mutated and random inputs (default 100,000) from a seed; prints
 * how many had problems, any crash or bad range (with the seed and index to replay it), and speed.
 * Run: npx tsx bench/fuzz-parse.ts [count] [seed]
 */
import { parseBuildfile } from "../src/parser/index.js";
import { badRange, fixtureTexts, fuzzInput, random, ranges } from "../test/parser/fuzz-inputs.js";

const count = Number(process.argv[2] ?? 100_000);
const seed = Number(process.argv[3] ?? Date.now() % 1_000_000_007);
const rand = random(seed);
const corpus = fixtureTexts();
let withProblems = 0;
let failures = 0;
const start = performance.now();
for (let i = 0; i < count; i++) {
  const text = fuzzInput(rand, corpus);
  let result;
  try {
    result = parseBuildfile(text, "Buildfile");
  } catch (error) {
    failures++;
    console.log(`seed ${seed} #${i}: threw ${String(error)}\n${JSON.stringify(text)}`);
    continue;
  }
  const lines = text.split("\n").length;
  const bad =
    result.problems.find((p) => p.message.startsWith("internal parser error") || badRange(p.range, text, lines) !== undefined) ??
    [...ranges(result.buildfile)].find((r) => badRange(r, text, lines) !== undefined);
  if (bad !== undefined) {
    failures++;
    console.log(`seed ${seed} #${i}: ${JSON.stringify(bad)}\n${JSON.stringify(text)}`);
  }
  if (result.problems.length > 0) withProblems++;
}
const ms = performance.now() - start;
console.log(`${count} inputs (seed ${seed}): ${withProblems} with problems, ${failures} crashes or bad ranges, ${(count / (ms / 1000)).toFixed(0)} inputs/s`);
process.exitCode = failures > 0 ? 1 : 0;
