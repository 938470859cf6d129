/**
 * Fuzzing parse + plan without a daemon: a few thousand generated and mutated Buildfiles from a
 * fixed seed. Every input either plans or is rejected with an EbuildError; nothing else escapes.
 * bench/fuzz-plan.ts runs the same generator at 100,000 inputs.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { fuzzCase, random, runCase, type FuzzOutcome } from "./fuzz-buildfiles.js";

const seed = 20261123;
const count = 3000;

interface Finding {
  index: number;
  entry: string;
  buildfile: string;
  outcome: FuzzOutcome;
}

async function runAll(): Promise<{ planned: number; rejected: number; crashes: Finding[]; unpositioned: Finding[] }> {
  const rng = random(seed);
  let planned = 0;
  let rejected = 0;
  const crashes: Finding[] = [];
  const unpositioned: Finding[] = [];
  for (let index = 0; index < count; index++) {
    const c = fuzzCase(rng);
    const outcome = await runCase(c);
    const finding = { index, entry: c.entry, buildfile: c.files["/repo/Buildfile"]!, outcome };
    if (outcome.kind === "planned") planned++;
    else if (outcome.kind === "crash") crashes.push(finding);
    else {
      rejected++;
      // Only a target missing from the command line has no place in a file to point at.
      const aboutEntry = new RegExp(`has no target ${c.entry}$`).test(outcome.error.message);
      if (outcome.error.at === undefined && !aboutEntry) unpositioned.push(finding);
    }
  }
  return { planned, rejected, crashes, unpositioned };
}

const results = runAll();

function describeFindings(findings: Finding[]): string {
  return findings
    .slice(0, 3)
    .map((f) => {
      const error = f.outcome.kind === "planned" ? undefined : f.outcome.error;
      const what = error instanceof Error ? (error.stack ?? error.message) : String(error);
      return `case ${f.index} (+${f.entry}): ${what}\n--- Buildfile ---\n${f.buildfile}`;
    })
    .join("\n\n");
}

test(`${count} generated and mutated Buildfiles: each plans or is rejected with an EbuildError, none crashes`, async () => {
  const { planned, rejected, crashes } = await results;
  console.log(`fuzz: ${count} inputs (seed ${seed}): ${planned} planned, ${rejected} rejected, ${crashes.length} crashes`);
  assert.equal(planned + rejected + crashes.length, count);
  assert.equal(crashes.length, 0, describeFindings(crashes));
  // The generator must reach the planner, not only the parser's error paths.
  assert.ok(planned >= count / 20, `only ${planned} of ${count} inputs planned`);
});

test("every rejected Buildfile is pointed at: the error carries a file:line:column", async () => {
  const { unpositioned } = await results;
  assert.equal(unpositioned.length, 0, `${unpositioned.length} rejections without a position:\n${describeFindings(unpositioned)}`);
});

test("the fuzz inputs are the same on every run (fixed seed)", async () => {
  const first = random(seed);
  const second = random(seed);
  for (let i = 0; i < 50; i++) assert.deepEqual(fuzzCase(first), fuzzCase(second));
});
