/**
 * The big fuzz run: 100,000 mutated and random inputs (test/parser/fuzz.test.ts runs a few thousand
 * per CI run with the same generator). Counts crashes (a throw, or the parser's "internal parser
 * error" problem), problems or AST nodes with ranges outside the text or whose line/column disagree
 * with their offset, and how many inputs parsed cleanly. Exits 1 when anything is wrong, naming the
 * first few inputs by index so `--only INDEX` replays one.
 * Run: node --import tsx bench/fuzz-parse.ts [--count N] [--seed S] [--only INDEX]
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { SourcePoint, SourceRange } from "../src/parser/index.js";
import { parseBuildfile } from "../src/parser/index.js";
import { badRange, fixtureTexts, fuzzInput, random, ranges } from "../test/parser/fuzz-inputs.js";

const root = fileURLToPath(new URL("..", import.meta.url));

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
}

/** Every Buildfile and Earthfile under fixtures/projects, added to the parser's golden corpus. */
function projectTexts(dir = path.join(root, "fixtures/projects")): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...projectTexts(p));
    else if (name === "Buildfile" || name === "Earthfile") out.push(readFileSync(p, "utf8"));
  }
  return out;
}

/** Line starts of `text`, for checking that a point's line and column match its offset. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

function pointMismatch(p: SourcePoint, starts: number[]): string | undefined {
  const lineStart = starts[p.line - 1];
  if (lineStart === undefined) return `line ${p.line} does not exist`;
  const next = starts[p.line];
  if (p.offset < lineStart || (next !== undefined && p.offset >= next)) return `offset ${p.offset} is not on line ${p.line}`;
  if (p.column !== p.offset - lineStart + 1) return `column ${p.column} should be ${p.offset - lineStart + 1} at offset ${p.offset}`;
  return undefined;
}

function rangeFault(range: SourceRange, text: string, lines: number, starts: number[]): string | undefined {
  return badRange(range, text, lines) ?? pointMismatch(range.start, starts) ?? pointMismatch(range.end, starts);
}

const count = option("count", 100_000);
const seed = option("seed", 20261123);
const only = option("only", -1);
const corpus = [...fixtureTexts(), ...projectTexts()];
const rand = random(seed);

const counts = { inputs: 0, clean: 0, withProblems: 0, problems: 0, nodes: 0, crashes: 0, badProblemRanges: 0, badNodeRanges: 0 };
const failures: string[] = [];
const fail = (i: number, what: string, text: string): void => {
  if (failures.length < 5) failures.push(`input #${i}: ${what}\n${JSON.stringify(text)}`);
};

const start = process.hrtime.bigint();
for (let i = 0; i < count; i++) {
  const text = fuzzInput(rand, corpus);
  if (only >= 0 && i !== only) continue;
  counts.inputs++;
  let result;
  try {
    result = parseBuildfile(text, "Buildfile");
  } catch (error) {
    counts.crashes++;
    fail(i, `threw ${(error as Error).stack ?? String(error)}`, text);
    continue;
  }
  const lines = text.split("\n").length;
  const starts = lineStarts(text);
  for (const p of result.problems) {
    counts.problems++;
    if (p.message.startsWith("internal parser error")) {
      counts.crashes++;
      fail(i, p.message, text);
    }
    const fault = rangeFault(p.range, text, lines, starts);
    if (fault !== undefined) {
      counts.badProblemRanges++;
      fail(i, `problem "${p.message}": ${fault}`, text);
    }
  }
  for (const range of ranges(result.buildfile)) {
    counts.nodes++;
    const fault = rangeFault(range, text, lines, starts);
    if (fault !== undefined) {
      counts.badNodeRanges++;
      fail(i, `AST node: ${fault}`, text);
    }
  }
  if (result.problems.length === 0) counts.clean++;
  else counts.withProblems++;
}
const seconds = Number(process.hrtime.bigint() - start) / 1e9;

console.log(`fuzz-parse: seed ${seed}, corpus of ${corpus.length} files`);
for (const [name, value] of Object.entries(counts)) console.log(`  ${name.padEnd(17)} ${value.toLocaleString("en")}`);
console.log(`  ${"time".padEnd(17)} ${seconds.toFixed(1)} s (${Math.round(counts.inputs / seconds).toLocaleString("en")} inputs/s)`);
if (failures.length > 0) {
  console.log(`\nfirst failures (replay one with --seed ${seed} --only INDEX):\n${failures.join("\n\n")}`);
  process.exitCode = 1;
}
