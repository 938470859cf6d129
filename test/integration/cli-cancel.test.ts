/**
 * Ctrl-C during a build (while the context uploads, while a RUN runs, while an artifact is
 * exported): the daemon's job stops, no output is written, no staging folder stays behind, earlier
 * outputs are kept, and ebuild exits with code 3.
 */
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFile, readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { project, stagedBytes, stagingLeftovers, startEbuild } from "../support/cli.js";

const run = promisify(execFile);
const main = join(import.meta.dirname, "..", "..", "src", "cli", "main.ts");
const tsx = import.meta.resolve("tsx");

/** Host processes whose command line is exactly `sleep SECONDS` (RUNs are host processes too). */
async function sleepers(seconds: number): Promise<string[]> {
  const { stdout } = await run("ps", ["-eo", "pid=,args="]);
  return stdout.split("\n").filter((line) => line.trim().endsWith(`sleep ${seconds}`));
}

test("Ctrl-C during a long RUN stops the daemon's job, writes nothing and exits with code 3", { timeout: 120_000 }, async () => {
  // A duration no other build uses, so the process check below sees only this RUN.
  const seconds = 400 + (process.pid % 500);
  const dir = await project({
    Buildfile: `VERSION 0.8
FROM ebuild-fixture/busybox:latest
slow:
    RUN echo ${process.pid}-${Date.now()} > /seed && sleep ${seconds} && echo done > /out.txt
    SAVE ARTIFACT /out.txt AS LOCAL out.txt
`,
  });
  await writeFile(join(dir, "out.txt"), "earlier\n");
  try {
    const child = spawn(process.execPath, ["--import", tsx, main, "--progress", "plain", "+slow"], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        if (/--> RUN .*sleep/.test(stdout)) resolve();
      });
      child.on("exit", () => reject(new Error(`ebuild ended before the RUN started:\n${stdout}\n${stderr}`)));
    });
    // The step line comes when the daemon starts the vertex; wait until its process runs.
    while ((await sleepers(seconds)).length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    child.kill("SIGINT");
    const code = await exited;
    assert.equal(code, 3, stdout + stderr);
    assert.match(stderr, /cancelled/);
    assert.deepEqual(await readdir(dir).then((names) => names.sort()), ["Buildfile", "out.txt"], "no staging folder stays behind");
    assert.equal(await import("node:fs/promises").then((fs) => fs.readFile(join(dir, "out.txt"), "utf8")), "earlier\n");
    // The daemon kills the RUN's process once the Solve is cancelled.
    for (let i = 0; i < 100 && (await sleepers(seconds)).length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(await sleepers(seconds), [], "the RUN's process is gone");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("Ctrl-C during the context upload exits 3 before anything is copied, and keeps earlier outputs", { timeout: 600_000 }, async () => {
  // 256 MB of fresh random files: the upload takes seconds, and no earlier session sent them.
  const dir = await project({
    Buildfile: `VERSION 0.8
FROM ebuild-fixture/busybox:latest
t:
    COPY blob-* /ctx/
    RUN ls -l /ctx > /list.txt
    SAVE ARTIFACT /list.txt AS LOCAL list.txt
`,
    "list.txt": "earlier\n",
  });
  try {
    for (let i = 0; i < 4; i++) await writeFile(join(dir, `blob-${i}`), randomBytes(64 << 20));
    const build = startEbuild(["--progress", "plain", "+t"], { cwd: dir });
    // The daemon starts reading the context: the step line of the local source.
    await build.waitFor(/--> local:\/\/context/);
    build.signal("SIGINT");
    const code = await build.exited;
    const said = build.output();
    assert.equal(code, 3, said.slice(-3000));
    assert.match(said, /cancelled/);
    assert.doesNotMatch(said, /--> COPY/, "the build stopped before the COPY could run");
    assert.doesNotMatch(said, /^\s+at .+[(:]\d+/m);
    assert.equal(await readFile(join(dir, "list.txt"), "utf8"), "earlier\n");
    assert.deepEqual(await stagingLeftovers(dir), []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("Ctrl-C during the export of a large artifact exits 3, removes the half-written export, and keeps earlier outputs", { timeout: 600_000 }, async () => {
  const megabytes = 256;
  const dir = await project({
    Buildfile: `VERSION 0.8
FROM ebuild-fixture/busybox:latest
t:
    RUN echo ${process.pid}-${Date.now()} && head -c ${megabytes}m /dev/urandom > /big.bin
    SAVE ARTIFACT /big.bin AS LOCAL big.bin
`,
    "big.bin": "earlier\n",
  });
  try {
    const build = startEbuild(["--progress", "plain", "+t"], { cwd: dir });
    const staged = await stagedBytes(dir, build.exited);
    build.signal("SIGINT");
    const code = await build.exited;
    const said = build.output();
    console.log(`cli-cancel: Ctrl-C with ${(staged / (1 << 20)).toFixed(1)} of ${megabytes} MiB exported`);
    assert.ok(staged < megabytes << 20, "interrupted before the export was complete");
    assert.equal(code, 3, said.slice(-3000));
    assert.match(said, /cancelled/);
    assert.doesNotMatch(said, /^\s+at .+[(:]\d+/m);
    assert.equal(await readFile(join(dir, "big.bin"), "utf8"), "earlier\n");
    assert.deepEqual((await readdir(dir)).sort(), ["Buildfile", "big.bin"]);
    assert.deepEqual(await stagingLeftovers(dir), []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
