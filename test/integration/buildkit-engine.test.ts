/**
 * The engine the planner asks while planning, on the real daemon: base image configurations,
 * `$(...)` output and IF conditions evaluated in a build state.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { shellQuote } from "../../src/cli/build/buildkit-engine.js";
import { EbuildError } from "../../src/errors.js";
import { image, mkfile } from "../../src/planner/llb/index.js";
import { useEngine } from "../support/engine.js";

const daemon = useEngine();

const platform = "linux/amd64";
const state = image("ebuild-fixture/busybox:latest").file(mkfile("/version.txt", 0o644, "1.2.3\n"));

test("a base image's configuration comes from Docker's image store", async () => {
  const resolved = await daemon.engine.resolveImageConfig("ebuild-fixture/busybox:latest", platform);
  assert.deepEqual(resolved.config.Cmd, ["/bin/sh"]);
  assert.deepEqual(resolved.config.Env, ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]);
  // Images made by `docker import` have no registry manifest, hence no digest to pin.
  assert.equal(resolved.digest, undefined);
});

test("$(...) sees files of the build state and the ARG environment, and loses trailing newlines", async () => {
  const place = { target: "+t", platform, environment: [["NAME", "it's me"]] as const, state };
  assert.equal(await daemon.engine.shellOut(place, "cat /version.txt"), "1.2.3");
  assert.equal(await daemon.engine.shellOut(place, 'echo "$NAME"; echo; echo'), "it's me");
});

test("a failing $(...) fails the build with its status", async () => {
  await assert.rejects(
    daemon.engine.shellOut({ target: "+t", platform, environment: [], state }, "echo partial; exit 4"),
    (error: unknown) => error instanceof EbuildError && /exited with status 4/.test(error.message),
  );
});

test("conditions are true on exit 0 and false otherwise", async () => {
  const place = { target: "+t", platform, environment: [["V", "yes"]] as const, state };
  assert.equal(await daemon.engine.evaluateCondition(place, '[ "$V" = yes ]'), true);
  assert.equal(await daemon.engine.evaluateCondition(place, "test -f /missing"), false);
});

test("words are quoted for the shell", () => {
  assert.equal(shellQuote("a b"), "'a b'");
  assert.equal(shellQuote("it's"), "'it'\\''s'");
});
