/**
 * `ebuild du` and `ebuild prune` through the real CLI process on the real daemon. The daemon is
 * shared, so these tests only prune the cache entries they made (BuildKit filters) or prune with
 * limits that remove nothing.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { runBuild } from "../../src/buildkit/build.js";
import { newBuildRef } from "../../src/buildkit/client.js";
import { runOnImage } from "../buildkit/support/tiny-llb.js";
import { ebuild as run, root } from "../cli/support/ebuild-process.js";
import { useDaemon } from "../support/daemon.js";

const token = `ebuild-du-${process.pid}-${Date.now()}`;
const filter = `description~=${token}`;

const ebuild = (...args: string[]) => run(args, root, { BUILDKIT_HOST: "" });

const entries = (stdout: string) => Number(/^Entries: +(\d+)$/m.exec(stdout)?.[1]);

useDaemon({
  // Cache to look at: a RUN whose command names this test run, so its entry is ours alone.
  prepare: async ({ client }) => {
    const run = runOnImage("ebuild-fixture/busybox:latest", `echo ${token} > /made-by-test; head -c 200000 /dev/urandom > /noise`);
    await runBuild(client, { ref: newBuildRef(), definition: run.definition });
  },
});

test("ebuild du shows the cache a build left, then ebuild prune frees it and du shows less", () => {
  const before = ebuild("du", "--verbose", "--filter", filter);
  assert.equal(before.status, 0, before.stderr);
  assert.match(before.stdout, /^ID +RECLAIMABLE +SIZE +LAST USED +DESCRIPTION$/m);
  assert.match(before.stdout, new RegExp(`^[a-z0-9]{12} +yes +[\\d.]+ [kM]?B +\\d+ s ago +mount / from exec /bin/sh -c echo ${token}`, "m"));
  assert.ok(entries(before.stdout) >= 1, before.stdout);

  const pruned = ebuild("prune", "--filter", filter);
  assert.equal(pruned.status, 0, pruned.stderr);
  const freed = /^Freed ([\d.]+ [kMG]?B) \((\d+) cache entr(y|ies)\)$/m.exec(pruned.stdout);
  assert.ok(freed, pruned.stdout);
  assert.equal(Number(freed[2]), entries(before.stdout));

  const afterwards = ebuild("du", "--filter", filter);
  assert.equal(afterwards.status, 0, afterwards.stderr);
  assert.equal(entries(afterwards.stdout), 0);
  assert.match(afterwards.stdout, /^Total: +0 B$/m);
});

test("ebuild du without --verbose lists at most the ten largest entries and the totals", () => {
  const result = ebuild("du");
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /^Reclaimable: +[\d.]+ [kMGT]?B$/m);
  assert.match(result.stdout, /^Total: +[\d.]+ [kMGT]?B$/m);
  const rows = result.stdout.split("\n").filter((line) => /^[a-z0-9]{12}  /.test(line));
  assert.ok(rows.length <= 10, `${rows.length} rows`);
  assert.equal(rows.length, Math.min(10, entries(result.stdout)));
});

test("ebuild prune with a storage limit above the cache's size frees nothing", () => {
  const result = ebuild("prune", "--keep-storage", "1000TB");
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /^Freed 0 B \(0 cache entries\)$/m);
});

test("ebuild prune refuses a duration it cannot read, before touching the cache", () => {
  const result = ebuild("prune", "--keep-duration", "soon");
  assert.equal(result.status, 2);
  assert.match(result.stderr, /--keep-duration soon: not a duration/);
});

test("ebuild du names the daemon it could not reach and exits 6", () => {
  const result = ebuild("du", "--buildkit-host", "unix:///nonexistent/buildkitd.sock");
  assert.equal(result.status, 6, result.stderr);
  assert.match(result.stderr, /nonexistent\/buildkitd\.sock/);
});
