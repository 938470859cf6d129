/**
 * Fuzzing parse + plan at scale: 100,000 generated and mutated Buildfiles (the CI test runs 3,000 of
 * the same generator). Prints how many planned, were rejected with an EbuildError, and crashed, with
 * the first crashes in full; exits 1 on any crash.
 * Run: node --import tsx bench/fuzz-plan.ts [COUNT] [SEED]
 */
import { fuzzCase, random, runCase } from "../test/planner/fuzz-buildfiles.js";

const count = Number(process.argv[2] ?? 100_000);
const seed = Number(process.argv[3] ?? 1);
const rng = random(seed);
const tally = { planned: 0, rejected: 0, crash: 0 };
const unpositioned = new Map<string, number>();
const started = performance.now();
for (let i = 0; i < count; i++) {
  const c = fuzzCase(rng);
  const outcome = await runCase(c);
  tally[outcome.kind]++;
  if (outcome.kind === "crash" && tally.crash <= 5) {
    const error = outcome.error;
    console.log(`crash at case ${i} (+${c.entry}): ${error instanceof Error ? error.stack : String(error)}\n--- Buildfile ---\n${c.files["/repo/Buildfile"]}\n`);
  }
  if (outcome.kind === "rejected" && outcome.error.at === undefined && !outcome.error.message.endsWith(`has no target ${c.entry}`)) {
    const key = outcome.error.message.split("\n")[0]!.slice(0, 80);
    unpositioned.set(key, (unpositioned.get(key) ?? 0) + 1);
  }
  if ((i + 1) % 10_000 === 0) console.log(`${i + 1} inputs, ${Math.round(performance.now() - started)} ms`);
}
const ms = performance.now() - started;
console.log(`fuzz-plan: ${count} inputs (seed ${seed}) in ${(ms / 1000).toFixed(1)} s (${Math.round(count / (ms / 1000))}/s)`);
console.log(`  planned ${tally.planned}, rejected ${tally.rejected}, crashed ${tally.crash}`);
console.log(`  peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
if (unpositioned.size > 0) {
  console.log("  rejections without a file position (distinct messages):");
  for (const [message, n] of [...unpositioned].sort((a, b) => b[1] - a[1]).slice(0, 10)) console.log(`    ${n}× ${message}`);
}
process.exitCode = tally.crash > 0 ? 1 : 0;
