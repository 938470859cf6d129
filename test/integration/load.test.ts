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

test("a RUN that prints megabytes of text and binary output builds, with bounded memory", async () => {
  const { mkdtemp, writeFile } = await import("node:fs/promises");
  const { tmpdir } = await import("node:os");
  const dir = await mkdtemp(join(tmpdir(), "ebuild-load-noisy-"));
  const buildfile = (nonce: string) =>
    `VERSION 0.8\nFROM ebuild-fixture/busybox:latest\nWORKDIR /w\nnoisy:\n    RUN echo ${nonce} && yes "a line of text that repeats" | head -n 200000 && head -c 4000000 /dev/urandom && echo done > done.txt\n    SAVE ARTIFACT done.txt AS LOCAL done.txt\n`;
  try {
    for (const progress of ["plain", "json"]) {
      // A fresh line per mode, so the daemon runs (and streams) the RUN each time instead of caching it.
      await writeFile(join(dir, "Buildfile"), buildfile(`${progress}-${process.pid}-${Date.now()}`));
      const run = await measuredEbuild(["--progress", progress, "+noisy"], dir);
      console.log(`load: noisy RUN (--progress ${progress}): exit ${run.code}, peak RSS ${mib(run.peakRss)}, ${run.stdout.length + run.stderr.length} characters printed`);
      assert.equal(run.code, 0, run.stderr.slice(-3000));
      assert.equal(await readFile(join(dir, "done.txt"), "utf8"), "done\n");
      assert.ok(run.peakRss > 0 && run.peakRss < memoryBound, `peak RSS ${mib(run.peakRss)}`);
      if (progress === "json") for (const line of run.stdout.split("\n").filter((l) => l !== "")) JSON.parse(line);
      if (progress === "plain") {
        // Sane text: the text lines are there, the random bytes cannot drive the terminal, and no line is unbounded.
        const printed = run.stdout + run.stderr;
        assert.match(printed, /\| a line of text that repeats\n/);
        // eslint-disable-next-line no-control-regex
        assert.doesNotMatch(printed, /[\x00-\x08\x0b-\x1f\x7f-\x9f]/, "a raw control character was printed");
        const longest = Math.max(...printed.split("\n").map((line) => line.length));
        assert.ok(longest <= 4 * 8192 + 100, `a printed line is ${longest} characters long`);
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
