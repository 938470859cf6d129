/**
 * Faults that are safe on a shared daemon: two `ebuild` processes writing the same outputs at once,
 * and Ctrl-C while a RUN is running. Each runs the real process on the real daemon.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { ebuild, project } from "../support/cli.js";

const header = "VERSION 0.8\nFROM ebuild-fixture/busybox:latest\nWORKDIR /w\n";
const main = join(import.meta.dirname, "..", "..", "src", "cli", "main.ts");
const tsx = import.meta.resolve("tsx");

/** Staging folders ebuild may have left anywhere in the project. */
async function leftovers(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).filter((p) => p.split("/").some((part) => part.startsWith(".ebuild-staging-")));
}

/** Runs two ebuild processes writing the same outputs at once, `rounds` times; returns their exit codes. */
async function racingWriters(rounds: number, check: (round: number, dir: string) => Promise<void>): Promise<Array<{ round: number; code: number; stderr: string }>> {
  const dir = await project({});
  const files = 200;
  const runs: Array<{ round: number; code: number; stderr: string }> = [];
  for (let round = 0; round < rounds; round++) {
    const nonce = `${process.pid}-${Date.now()}-${round}`;
    await writeFile(
      join(dir, "Buildfile"),
      `${header}t:
    ARG ID
    RUN echo ${nonce} && mkdir out && for i in $(seq 1 ${files}); do echo "$ID" > out/f$i.txt; done && echo "$ID" > single.txt
    SAVE ARTIFACT out AS LOCAL out
    SAVE ARTIFACT single.txt AS LOCAL single.txt
`,
    );
    const pair = await Promise.all([ebuild(["--progress", "plain", "+t", "--ID=a"], { cwd: dir }), ebuild(["--progress", "plain", "+t", "--ID=b"], { cwd: dir })]);
    runs.push(...pair.map((run) => ({ round, code: run.code, stderr: run.stderr })));
    await check(round, dir);
  }
  return runs;
}

test("two ebuild processes writing the same outputs at once leave each output whole, from one of them", async () => {
  const runs = await racingWriters(4, async (round, dir) => {
    const names = (await readdir(join(dir, "out"))).sort();
    assert.equal(names.length, 200, `round ${round}: out/ holds ${names.length} files`);
    const ids = new Set(await Promise.all(names.map(async (n) => (await readFile(join(dir, "out", n), "utf8")).trim())));
    assert.equal(ids.size, 1, `round ${round}: out/ mixes the two builds: ${[...ids].join(", ")}`);
    assert.match([...ids][0]!, /^[ab]$/);
    assert.match((await readFile(join(dir, "single.txt"), "utf8")).trim(), /^[ab]$/);
    assert.deepEqual(await leftovers(dir), [], `round ${round}: staging left behind`);
  });
  for (const run of runs) {
    // A process that loses the race may fail (see the todo below), but clearly and without a stack.
    assert.ok(run.code === 0 || run.code === 1, `round ${run.round}: exit ${run.code}\n${run.stderr}`);
    assert.doesNotMatch(run.stderr, /^\s+at .+[(:]\d+/m);
  }
  assert.ok(runs.some((r) => r.code === 0), "at least one writer succeeds");
});

test(
  "two ebuild processes writing the same outputs at once both succeed",
  {},
  async () => {
    const runs = await racingWriters(4, async () => undefined);
    for (const run of runs) assert.equal(run.code, 0, `round ${run.round}: exit ${run.code}\n${run.stderr.slice(-2000)}`);
  },
);

test("Ctrl-C while a RUN runs exits 3, says it was cancelled, and writes no outputs", { timeout: 180_000 }, async () => {
  const dir = await project({});
  await writeFile(join(dir, "Buildfile"), `${header}t:\n    RUN echo started-${process.pid}-${Date.now()} && sleep 300 && echo late > late.txt\n    SAVE ARTIFACT late.txt AS LOCAL late.txt\n`);
  const child = spawn(process.execPath, ["--import", tsx, main, "--progress", "plain", "+t"], { cwd: dir, env: { ...process.env, NO_COLOR: "1" } });
  let output = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      // The RUN's own first line: the command is running inside the daemon now.
      if (/\|\s+started-/.test(output)) resolve();
    });
    child.on("exit", () => reject(new Error(`ebuild exited before the RUN started:\n${output}`)));
  });
  child.kill("SIGINT");
  const code = await exited;
  assert.equal(code, 3, output.slice(-3000));
  assert.match(output, /cancel/i);
  assert.doesNotMatch(output, /^\s+at .+[(:]\d+/m);
  assert.equal(existsSync(join(dir, "late.txt")), false);
  assert.deepEqual(await leftovers(dir), []);
});
