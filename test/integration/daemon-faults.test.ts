/**
 * The daemon dies under a running build: a private dockerd (never the shared one) is killed with
 * SIGKILL while a RUN sleeps and while a large AS LOCAL artifact is being exported. ebuild must say
 * it lost the daemon (exit 6), write no outputs, leave no staging folder, keep earlier outputs, and
 * a build started after the daemon is gone must fail fast with the fix.
 */
import assert from "node:assert/strict";
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { existsSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { ebuild, project, stagedBytes, stagingLeftovers, startEbuild } from "../support/cli.js";
import { privateDockerdUnavailable, startPrivateDockerd, type PrivateDockerd } from "../support/private-dockerd.js";

const header = "VERSION 0.8\nFROM ebuild-fixture/busybox:latest\nWORKDIR /w\n";
const stackTrace = /^\s+at .+[(:]\d+/m;
const nonce = () => `${process.pid}-${Date.now()}`;

/** The private daemon only: neither BUILDKIT_HOST nor the shared Docker may take over. */
const only = (daemon: PrivateDockerd): NodeJS.ProcessEnv => ({ DOCKER_HOST: daemon.host, BUILDKIT_HOST: "" });

let unavailable: string | undefined;
/** The shared daemon's bridge: a private daemon must never take it away (see private-dockerd.ts). */
const sharedBridge = "/sys/class/net/docker0";
let bridgeBefore = false;
before(async () => {
  unavailable = await privateDockerdUnavailable();
  bridgeBefore = existsSync(sharedBridge);
});
after(() => {
  assert.equal(existsSync(sharedBridge), bridgeBefore, "the host's docker0 is as it was");
});

describe("the daemon killed in the middle of a build", { concurrency: 1, timeout: 900_000 }, () => {
  test("while a RUN runs: exit 6 naming the daemon, no outputs, no staging, earlier outputs kept; then a new build fails fast with the fix", async (t) => {
    if (unavailable) return t.skip(unavailable);
    const daemon = await startPrivateDockerd();
    try {
      const dir = await project({
        Buildfile: `${header}t:\n    RUN --network=none echo started-${nonce()} && sleep 600 && echo new > out.txt\n    SAVE ARTIFACT out.txt AS LOCAL out.txt\n`,
        "out.txt": "earlier\n",
      });
      const build = startEbuild(["--progress", "plain", "+t"], { cwd: dir, env: only(daemon) });
      // The RUN's own first line: its command runs inside the daemon now.
      await build.waitFor(/\|\s+started-/);
      await daemon.kill();
      const code = await build.exited;
      const said = build.output();
      assert.equal(code, 6, said.slice(-3000));
      assert.match(said, new RegExp(`lost the BuildKit daemon at ${escape(daemon.host)}`));
      assert.match(said, /hint: .*daemon/);
      assert.doesNotMatch(said, stackTrace);
      assert.equal(await readFile(join(dir, "out.txt"), "utf8"), "earlier\n", "the earlier output is untouched");
      assert.deepEqual((await readdir(dir)).sort(), ["Buildfile", "out.txt"]);
      assert.deepEqual(await stagingLeftovers(dir), []);

      // The daemon is gone now: a new build says so at once, with what to do.
      const again = await ebuild(["--progress", "plain", "+t"], { cwd: dir, env: only(daemon) });
      assert.equal(again.code, 6, again.stderr);
      assert.match(again.stderr, new RegExp(`cannot reach the BuildKit daemon at ${escape(daemon.host)}: connection refused`));
      assert.match(again.stderr, /hint: start Docker at DOCKER_HOST=/);
      assert.doesNotMatch(again.stderr, stackTrace);
      assert.equal(await readFile(join(dir, "out.txt"), "utf8"), "earlier\n");
    } finally {
      await daemon.cleanUp();
    }
  });

  test("while a large artifact is exported: exit 6, the half-written export is removed, earlier outputs kept", async (t) => {
    if (unavailable) return t.skip(unavailable);
    const daemon = await startPrivateDockerd();
    try {
      const megabytes = 256;
      const dir = await project({
        Buildfile: `${header}t:\n    RUN --network=none echo ${nonce()} && head -c ${megabytes}m /dev/urandom > big.bin\n    SAVE ARTIFACT big.bin AS LOCAL big.bin\n`,
        "big.bin": "earlier\n",
      });
      const build = startEbuild(["--progress", "plain", "+t"], { cwd: dir, env: only(daemon) });
      const staged = await stagedBytes(dir, build.exited);
      await daemon.kill();
      const code = await build.exited;
      const said = build.output();
      console.log(`daemon-faults: dockerd killed with ${(staged / (1 << 20)).toFixed(1)} of ${megabytes} MiB exported`);
      assert.ok(staged > 0 && staged < megabytes << 20, `killed with ${staged} bytes staged`);
      assert.equal(code, 6, said.slice(-3000));
      assert.match(said, new RegExp(`lost the BuildKit daemon at ${escape(daemon.host)}`));
      assert.doesNotMatch(said, stackTrace);
      assert.equal(await readFile(join(dir, "big.bin"), "utf8"), "earlier\n", "the earlier output is untouched");
      assert.deepEqual((await readdir(dir)).sort(), ["Buildfile", "big.bin"]);
      assert.deepEqual(await stagingLeftovers(dir), []);
    } finally {
      await daemon.cleanUp();
    }
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
