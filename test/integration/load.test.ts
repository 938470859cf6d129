/**
 * Load at CI size on the real daemon: 200 targets fanned out by BUILD, and 50,000 small files
 * uploaded by one COPY. Asserts that everything arrived, a generous memory bound (1 GiB peak RSS of
 * the ebuild process) and no file-descriptor leak (few descriptors open at exit); prints the
 * numbers. bench/load.ts runs the same with timings.
 */
import assert from "node:assert/strict";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { fanOutProject, manyFilesProject, measuredEbuild } from "../../bench/load.js";

const memoryBound = 1 << 30;
// Node itself, stdio, the daemon connection and a few pipes; a leak per target or file shows up as hundreds.
const fdBound = 64;
const mib = (bytes: number) => `${(bytes / (1 << 20)).toFixed(0)} MiB`;

test("a Buildfile with 200 targets fanned out by BUILD builds every output with bounded memory", async () => {
  const targets = 200;
  const { dir, nonce } = await fanOutProject(targets);
  try {
    const run = await measuredEbuild(["--progress", "plain", "+all"], dir);
    console.log(`load: ${targets} targets: exit ${run.code}, peak RSS ${mib(run.peakRss)}, ${run.openFds} fds at exit, ${(run.wallMs / 1000).toFixed(1)} s`);
    assert.equal(run.code, 0, run.stderr.slice(-3000) + run.stdout.slice(-3000));
    for (let i = 0; i < targets; i++) assert.equal(await readFile(join(dir, "out", `t${i}.txt`), "utf8"), `${i} ${nonce}\n`);
    assert.ok(run.peakRss > 0 && run.peakRss < memoryBound, `peak RSS ${mib(run.peakRss)}`);
    assert.ok(run.openFds > 0 && run.openFds < fdBound, `${run.openFds} descriptors open at exit`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("a context of 50,000 small files arrives whole through COPY with bounded memory", async () => {
  const files = 50_000;
  const { dir } = await manyFilesProject(files);
  try {
    const run = await measuredEbuild(["--progress", "plain", "+count"], dir);
    console.log(`load: ${files} files: exit ${run.code}, peak RSS ${mib(run.peakRss)}, ${run.openFds} fds at exit, ${(run.wallMs / 1000).toFixed(1)} s`);
    assert.equal(run.code, 0, run.stderr.slice(-3000) + run.stdout.slice(-3000));
    assert.equal(await readFile(join(dir, "count.txt"), "utf8"), `${files}\n0\n`);
    assert.ok(run.peakRss > 0 && run.peakRss < memoryBound, `peak RSS ${mib(run.peakRss)}`);
    assert.ok(run.openFds > 0 && run.openFds < fdBound, `${run.openFds} descriptors open at exit`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
