/**
 * Builds on the real daemon through the Control API: Solve with its Status stream, failures and
 * cancellation. Run `bash scripts/buildkit-up` first.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { runBuild } from "../../src/buildkit/build.js";
import { newBuildRef, type SolveOptions, type SolveResult } from "../../src/buildkit/client.js";
import type { ProgressEvent } from "../../src/buildkit/progress.js";
import { BuildFailedError } from "../../src/buildkit/build-failure.js";
import { EbuildError } from "../../src/errors.js";
import { runOnImage } from "../buildkit/support/tiny-llb.js";
import { useDaemon } from "../support/daemon.js";

const image = "ebuild-fixture/busybox:latest";
const daemon = useDaemon();

/** Runs a build through runBuild, collecting its progress; `onEvent` may abort. */
async function build(
  solve: Omit<SolveOptions, "ref">,
  options: { signal?: AbortSignal; onEvent?: (event: ProgressEvent) => void } = {},
): Promise<{ result: SolveResult | undefined; error: unknown; events: ProgressEvent[] }> {
  const events: ProgressEvent[] = [];
  let result: SolveResult | undefined;
  let error: unknown;
  try {
    result = await runBuild(daemon.client, { ...solve, ref: newBuildRef() }, {
      signal: options.signal,
      onProgress: (event) => {
        events.push(event);
        options.onEvent?.(event);
      },
    });
  } catch (caught) {
    error = caught;
  }
  return { result, error, events };
}

test("an empty definition builds and reports no exporter output", async () => {
  const { result, error } = await build({ definition: new Uint8Array(0) });
  assert.equal(error, undefined);
  assert.deepEqual(result?.exporterResponse, {});
});

test("a RUN's stdout and stderr reach the progress stream, and the step completes", async () => {
  const run = runOnImage(image, `echo out-${process.pid}; echo err-${process.pid} >&2`, { ignoreCache: true });
  const { error, events } = await build({ definition: run.definition });
  assert.equal(error, undefined);
  const logs = events.filter((e) => e.type === "log" && e.vertex.digest === run.runDigest);
  const text = (stream: string) =>
    logs
      .filter((e) => e.type === "log" && e.stream === stream)
      .map((e) => (e.type === "log" ? new TextDecoder().decode(e.data) : ""))
      .join("");
  assert.equal(text("stdout"), `out-${process.pid}\n`);
  assert.equal(text("stderr"), `err-${process.pid}\n`);
  const steps = events.filter((e) => e.vertex.digest === run.runDigest && e.type.startsWith("vertex-")).map((e) => e.type);
  assert.deepEqual(steps, ["vertex-started", "vertex-completed"]);
  assert.ok(events.some((e) => e.type === "vertex-completed" && e.vertex.name === run.runName));
});

test("a RUN that exits 3 fails the build with the exit code in the message", async () => {
  const run = runOnImage(image, "exit 3", { ignoreCache: true });
  const { error, events } = await build({ definition: run.definition });
  assert.ok(error instanceof EbuildError, String(error));
  assert.equal(error.kind, "build");
  assert.match(error.message, /exit code: 3/);
  const errored = events.find((e) => e.type === "vertex-errored");
  assert.ok(errored?.type === "vertex-errored" && errored.vertex.digest === run.runDigest && !errored.cancelled);
});

test("aborting a build cancels the long RUN on the daemon", async () => {
  const run = runOnImage(image, `echo started-${process.pid}; sleep 30`, { ignoreCache: true });
  const abort = new AbortController();
  // Abort once the command has printed, so the process is surely running in its container.
  const { error, events } = await build(
    { definition: run.definition },
    {
      signal: abort.signal,
      onEvent: (event) => {
        if (event.type === "log" && event.vertex.digest === run.runDigest) abort.abort();
      },
    },
  );
  assert.ok(error instanceof EbuildError, String(error));
  assert.equal(error.kind, "cancelled");
  assert.equal(error.exitCode, 3);
  const errored = events.find((e) => e.type === "vertex-errored" && e.vertex.digest === run.runDigest);
  assert.ok(errored?.type === "vertex-errored", `the daemon did not report the RUN stopped: ${events.map((e) => e.type).join(", ")}`);
  assert.equal(errored.cancelled, true);
  // Killed by the daemon (SIGKILL: 128 + 9), not finished on its own.
  assert.match(errored.error, /exit code: 137/);
});

test("a failing RUN with a source map points at its Buildfile line and names its step", async () => {
  const buildfile = "VERSION 0.8\nbuild:\n    FROM ebuild-fixture/busybox\n    RUN exit 4\n";
  const run = runOnImage(image, "exit 4", { ignoreCache: true, source: { filename: "Buildfile", data: buildfile, line: 4, character: 4 } });
  const { error } = await build({ definition: run.definition });
  assert.ok(error instanceof BuildFailedError, String(error));
  assert.equal(error.kind, "build");
  assert.deepEqual(error.at, { file: "Buildfile", line: 4, column: 5 });
  assert.equal(error.vertexDigest, run.runDigest);
  assert.match(error.message, /exit code: 4/);
});

test("a definition the daemon cannot read fails the build without progress hanging", async () => {
  const { error, events } = await build({ definition: new Uint8Array([0x0a, 0x03, 0xff, 0xff, 0xff]) });
  assert.ok(error instanceof EbuildError, String(error));
  assert.equal(error.kind, "build");
  assert.deepEqual(events, []);
});

test("three builds at once on one connection each get their own logs", async () => {
  const tokens = [1, 2, 3].map((n) => `parallel-${process.pid}-${n}`);
  const results = await Promise.all(tokens.map((token) => build({ definition: runOnImage(image, `echo ${token}`, { ignoreCache: true }).definition })));
  results.forEach(({ error, events }, i) => {
    assert.equal(error, undefined);
    const stdout = events.flatMap((e) => (e.type === "log" && e.stream === "stdout" ? [new TextDecoder().decode(e.data)] : [])).join("");
    assert.equal(stdout, `${tokens[i]}\n`);
  });
});
