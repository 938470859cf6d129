/** Plain mode (CI, pipes): exact lines for recorded and synthetic builds, colour off unless said. */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { ProgressEvent } from "../../../src/buildkit/progress.js";
import { targetColour } from "../../../src/cli/progress/colour.js";
import { alignTarget } from "../../../src/cli/progress/format.js";
import { createRenderer, lookupIn, type BuildRenderer, type StepLookup } from "../../../src/cli/progress/index.js";
import { buildFailed, Collected, digestOf, recorded, vertex } from "./support.js";

function plain(options: { env?: NodeJS.ProcessEnv; secrets?: string[]; prefixWidth?: number } = {}): { out: Collected; renderer: BuildRenderer } {
  const out = new Collected();
  const renderer = createRenderer({ mode: "plain", out, env: options.env ?? {}, secrets: options.secrets, prefixWidth: options.prefixWidth ?? 8, now: () => 0 });
  return { out, renderer };
}

function feed(renderer: BuildRenderer, target: string, events: ProgressEvent[], lookup?: StepLookup): void {
  const solve = renderer.solve({ target, lookup });
  for (const event of events) solve.onProgress(event);
  solve.done();
}

const image = "docker-image://docker.io/ebuild-fixture/busybox:latest";

test("a recorded build: each step starts under its target and its output follows line by line", () => {
  const { out, renderer } = plain();
  feed(renderer, "+hello", recorded("status-run-ok.json"));
  renderer.summary({ durationMs: 2500 });
  assert.deepEqual(out.lines, [
    `  +hello | --> ${image}`,
    "  +hello | --> RUN echo hello; echo oops >&2",
    "  +hello | hello",
    "  +hello | oops",
    "",
    "Built in 2.5s; 1 of 2 steps cached",
  ]);
});

test("a recorded failing build ends with the failing step's position, command, exit code and output", () => {
  const { out, renderer } = plain();
  const events = recorded("status-run-fails.json");
  feed(renderer, "+fail", events);
  const message = 'process "/bin/sh -c echo before; exit 3" did not complete successfully: exit code: 3';
  renderer.failure(buildFailed(message, digestOf(events, "RUN echo before; exit 3"), { file: "Buildfile", line: 12, character: 4 }));
  assert.deepEqual(out.lines, [
    `   +fail | --> ${image}`,
    "   +fail | --> RUN echo before; exit 3",
    "   +fail | before",
    `   +fail | ERROR ${message}`,
    "",
    "ERROR +fail failed at Buildfile:12:5",
    "  RUN echo before; exit 3",
    "  exit code 3",
    "  last line of output:",
    "    before",
  ]);
});

test("a RUN whose program is of another architecture ends with the emulator hint", () => {
  const { out, renderer } = plain();
  const run = vertex("sha256:arm", "RUN uname -m");
  feed(renderer, "+arch", [run.started(), run.log("exec /bin/sh: exec format error\n"), run.errored("exit code: 1")]);
  renderer.failure(buildFailed('process "/bin/sh -c uname -m" did not complete successfully: exit code: 1', "sha256:arm", { file: "Buildfile", line: 4, character: 4 }));
  assert.deepEqual(out.lines.slice(-6), [
    "ERROR +arch failed at Buildfile:4:5",
    "  RUN uname -m",
    "  exit code 1",
    "  last line of output:",
    "    exec /bin/sh: exec format error",
    "  hint: the daemon's host cannot run programs of this step's platform: install qemu-user-static and register its binfmt handlers with the F flag (ebuild's scripts/emulators does both)",
  ]);
});

test("a recorded cancelled build marks the running step cancelled", () => {
  const { out, renderer } = plain();
  feed(renderer, "+wait", recorded("status-run-cancelled.json"));
  assert.deepEqual(out.lines.slice(-2), ["   +wait | waiting", "   +wait | *cancelled* --> RUN echo waiting; sleep 30"]);
});

test("the planner's names and the lookup give each step its target; a cache hit is marked", () => {
  const { out, renderer } = plain();
  const make = vertex("sha256:make", "RUN make");
  const test_ = vertex("sha256:test", "+test RUN go test ./...");
  const lookup: StepLookup = (digest) => (digest === "sha256:make" ? { target: "+build", command: "RUN make" } : undefined);
  feed(renderer, "+all", [make.cached(), test_.started(), test_.log("ok\n"), test_.completed(), vertex("sha256:ctx", "[internal] load context").started()], lookup);
  renderer.summary({});
  assert.deepEqual(out.lines, [
    "  +build | *cached* --> RUN make",
    "   +test | --> RUN go test ./...",
    "   +test | ok",
    "    +all | --> [internal] load context",
    "",
    "Built in 0.0s; 1 of 2 steps cached",
  ]);
});

test("concurrent Solves keep their output apart, and a step they share is shown once", () => {
  const { out, renderer } = plain();
  const a = renderer.solve({ target: "+a" });
  const b = renderer.solve({ target: "+b" });
  const shared = vertex("sha256:shared", "RUN apk add make");
  const runA = vertex("sha256:a", "RUN echo a");
  const runB = vertex("sha256:b", "RUN echo b");
  a.onProgress(shared.started());
  b.onProgress(shared.started());
  a.onProgress(runA.started());
  b.onProgress(runB.started());
  a.onProgress(runA.log("from a, par"));
  b.onProgress(runB.log("from b\n"));
  b.onProgress(shared.log("twice\n"));
  a.onProgress(shared.log("twice\n"));
  a.onProgress(runA.log("tial\n"));
  a.done();
  b.done();
  assert.deepEqual(out.lines, [
    "      +a | --> RUN apk add make",
    "      +a | --> RUN echo a",
    "      +b | --> RUN echo b",
    "      +b | from b",
    "      +a | twice",
    "      +a | from a, partial",
  ]);
});

test("a partial last line is printed when its step ends", () => {
  const { out, renderer } = plain();
  const run = vertex("sha256:r", "RUN printf x");
  feed(renderer, "+p", [run.started(), run.log("no newline"), run.completed(), vertex("sha256:s", "RUN next").started()]);
  assert.deepEqual(out.lines, ["      +p | --> RUN printf x", "      +p | no newline", "      +p | --> RUN next"]);
});

test("long target names keep their end in the fixed column; multi-line commands stay on one line", () => {
  const { out, renderer } = plain({ prefixWidth: 10 });
  feed(renderer, "./services/api+image", [vertex("sha256:x", "RUN a &&\n    b").started()]);
  assert.deepEqual(out.lines, ["…api+image | --> RUN a && b"]);
});

test("secret values never reach the output: commands, logs split across chunks, errors", () => {
  const { out, renderer } = plain({ secrets: ["hunter2"] });
  const run = vertex("sha256:s", "RUN echo hunter2");
  feed(renderer, "+s", [run.started(), run.log("pass=hun"), run.log("ter2\n"), run.errored("exit code: 1 (hunter2)")]);
  renderer.summary({ artifacts: [{ path: "out/hunter2.txt" }] });
  assert.ok(!out.text.includes("hunter2"), out.text);
  assert.deepEqual(out.lines.slice(0, 3), ["      +s | --> RUN echo ***", "      +s | pass=***", "      +s | ERROR exit code: 1 (***)"]);
});

test("the summary lists images with digests, artifacts and what did not run and why", () => {
  const { out, renderer } = plain();
  renderer.summary({
    images: [
      { name: "ebuild/app:latest", digest: "sha256:0123" },
      { name: "localhost:5000/app:1", digest: "sha256:4567", pushed: true },
    ],
    artifacts: [{ path: "dist/app" }],
    skipped: [{ action: "did not push ebuild/x:1", reason: "run with --push" }],
    durationMs: 75_000,
  });
  assert.deepEqual(out.lines, [
    "",
    "saved image  ebuild/app:latest  sha256:0123",
    "pushed image localhost:5000/app:1  sha256:4567",
    "artifact     dist/app",
    "not done     did not push ebuild/x:1: run with --push",
    "Built in 1m15s; 0 of 0 steps cached",
  ]);
});

test("with FORCE_COLOR each target's prefix has its own stable colour", () => {
  const names = ["+build", "+test", "+lint", "+deploy"];
  const run = () => {
    const { out, renderer } = plain({ env: { FORCE_COLOR: "1" } });
    for (const [i, name] of names.entries()) feed(renderer, name, [vertex(`sha256:${i}`, "RUN x").started()]);
    return out.lines;
  };
  const lines = run();
  assert.deepEqual(run(), lines, "the same colours in every run");
  const codes: Record<string, number> = { cyan: 36, magenta: 35, yellow: 33, blue: 34, green: 32, cyanBright: 96, magentaBright: 95, yellowBright: 93, blueBright: 94, greenBright: 92 };
  for (const [i, name] of names.entries()) {
    assert.equal(lines[i], `\x1b[${codes[targetColour(name)]}m${name.padStart(8)}\x1b[39m | --> RUN x`);
  }
  // Pinned, so a change of the hash or palette (which users would notice) is a deliberate one.
  assert.deepEqual(names.map(targetColour), ["blueBright", "cyan", "magenta", "greenBright"]);
});

test("NO_COLOR turns colour off unless FORCE_COLOR asks for it", () => {
  const cases: Array<{ env: NodeJS.ProcessEnv; coloured: boolean }> = [
    { env: { NO_COLOR: "1" }, coloured: false },
    { env: { NO_COLOR: "1", FORCE_COLOR: "1" }, coloured: true },
    { env: { FORCE_COLOR: "0" }, coloured: false },
    { env: {}, coloured: false },
  ];
  for (const c of cases) {
    const { out, renderer } = plain({ env: c.env });
    feed(renderer, "+c", [vertex("sha256:c", "RUN x").started()]);
    assert.equal(out.text.includes("\x1b["), c.coloured, JSON.stringify(c.env));
  }
});

test("a warning from the daemon is shown under its step's target", () => {
  const { out, renderer } = plain();
  const solve = renderer.solve({ target: "+w" });
  solve.onProgress({ type: "warning", vertex: { digest: "sha256:w", name: "+lint RUN check" }, level: 1, message: "deprecated flag", detail: ["use --new"], url: "https://example.invalid/doc", source: undefined });
  assert.deepEqual(out.lines, ["   +lint | WARNING: deprecated flag use --new (https://example.invalid/doc)"]);
});

test("the planner's steps by digest name the steps; unknown digests fall back to the vertex name", () => {
  const { out, renderer } = plain({ prefixWidth: 12 });
  const lookup = lookupIn(new Map([["sha256:p", { target: "+api --V=1", command: "RUN go build", at: { file: "Buildfile", line: 4, column: 3 } }]]));
  feed(renderer, "+all", [vertex("sha256:p", "RUN go build -o /out").started(), vertex("sha256:constructor", "RUN other").started()], lookup);
  assert.deepEqual(out.lines, ["  +api --V=1 | --> RUN go build", "        +all | --> RUN other"]);
});

const aligned: Array<[string, number, string]> = [
  ["+build", 8, "  +build"],
  ["+api --V=1 --W=2", 12, "+api --V=1 …"],
  ["+api --V=1", 5, " +api"],
  ["./services/api+image", 10, "…api+image"],
  ["./services/api+image --TAG=1", 10, "…api+image"],
];
for (const [name, width, expected] of aligned) {
  test(`the target column shows ${JSON.stringify(name)} in ${width} characters as ${JSON.stringify(expected)}`, () => {
    assert.equal(alignTarget(name, width), expected);
    assert.equal(alignTarget(name, width).length, width);
  });
}
