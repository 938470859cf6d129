/**
 * Ctrl-C during a build: the daemon's job stops, no output is written, no staging folder stays
 * behind, and ebuild exits with code 3.
 */
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { project } from "../support/cli.js";

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
