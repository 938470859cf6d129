/** `--progress json`: every line is one JSON object with the documented fields. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { createRenderer } from "../../../src/cli/progress/index.js";
import { buildFailed, Collected, digestOf, recorded, vertex } from "./support.js";

function json(secrets: string[] = []) {
  const out = new Collected();
  const renderer = createRenderer({ mode: "json", out, env: { FORCE_COLOR: "3" }, secrets, now: () => 0 });
  return { out, renderer, objects: () => out.lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

test("a recorded failing build: vertex, log and failure objects, one per line", () => {
  const { renderer, objects } = json();
  const events = recorded("status-run-fails.json");
  const run = digestOf(events, "RUN echo before; exit 3");
  const solve = renderer.solve({ target: "+fail", lookup: (d) => (d === run ? { target: "+fail", command: "RUN echo before; exit 3", at: { file: "Buildfile", line: 3, column: 5 } } : undefined) });
  renderer.phase("build");
  for (const event of events) solve.onProgress(event);
  solve.done();
  renderer.failure(buildFailed("process did not complete successfully: exit code: 3", run));
  const got = objects().map(({ digest, durationMs, error, ...rest }) => rest);
  assert.deepEqual(got, [
    { type: "phase", name: "build" },
    { type: "vertex", target: "+fail", command: "docker-image://docker.io/ebuild-fixture/busybox:latest", status: "started" },
    { type: "vertex", target: "+fail", command: "docker-image://docker.io/ebuild-fixture/busybox:latest", status: "completed" },
    { type: "vertex", target: "+fail", command: "RUN echo before; exit 3", position: "Buildfile:3:5", status: "started" },
    { type: "log", target: "+fail", command: "RUN echo before; exit 3", position: "Buildfile:3:5", stream: "stdout", line: "before" },
    { type: "vertex", target: "+fail", command: "RUN echo before; exit 3", position: "Buildfile:3:5", status: "failed" },
    {
      type: "failure",
      message: "process did not complete successfully: exit code: 3",
      kind: "build",
      target: "+fail",
      command: "RUN echo before; exit 3",
      position: "Buildfile:3:5",
      exitCode: 3,
      lastLines: ["before"],
    },
  ]);
  assert.ok(objects().every((o) => o.type !== "vertex" || typeof o.digest === "string"));
});

test("the failure object has a hint only when the output shows a known cause", () => {
  const { renderer, objects } = json();
  const run = vertex("sha256:arm", "+arch RUN uname -m");
  const solve = renderer.solve({ target: "+arch" });
  for (const e of [run.started(), run.log("exec /bin/sh: exec format error\n"), run.errored("exit code: 1")]) solve.onProgress(e);
  solve.done();
  renderer.failure(buildFailed("process did not complete successfully: exit code: 1", "sha256:arm"));
  assert.match(String(objects().at(-1)?.hint), /qemu-user-static .* binfmt handlers with the F flag/);
});

test("the summary object counts cache hits and lists outputs", () => {
  const { renderer, objects } = json();
  const a = vertex("sha256:a", "+a RUN x");
  const b = vertex("sha256:b", "+b RUN y");
  const solve = renderer.solve({ target: "+all" });
  for (const e of [a.cached(), b.started(), b.completed(1500)]) solve.onProgress(e);
  solve.done();
  renderer.summary({ images: [{ name: "ebuild/a:1", digest: "sha256:ff" }], artifacts: [{ path: "out/a" }], skipped: [{ action: "did not push ebuild/a:1", reason: "run with --push" }], durationMs: 4200 });
  const all = objects();
  assert.deepEqual(all.at(-2), { type: "vertex", target: "+b", command: "RUN y", digest: "sha256:b", status: "completed", durationMs: 1500 });
  assert.deepEqual(all.at(-1), {
    type: "summary",
    images: [{ name: "ebuild/a:1", digest: "sha256:ff", pushed: false }],
    artifacts: ["out/a"],
    skipped: [{ action: "did not push ebuild/a:1", reason: "run with --push" }],
    durationMs: 4200,
    cachedSteps: 1,
    totalSteps: 2,
  });
});

test("json output carries no colour and no secret, even one JSON would escape", () => {
  const { out, renderer, objects } = json(['pa"ss\\word']);
  const run = vertex("sha256:q", "RUN login");
  const solve = renderer.solve({ target: "+q" });
  for (const e of [run.started(), run.log('token: pa"ss'), run.log("\\word\n")]) solve.onProgress(e);
  solve.done();
  assert.ok(!out.text.includes("\x1b["));
  assert.deepEqual(objects().at(-1), { type: "log", target: "+q", command: "RUN login", digest: "sha256:q", stream: "stdout", line: "token: ***" });
});
