/**
 * Two real builds recorded from the daemon (fixtures/record.ts), replayed as if they ran at once:
 * `+lib` prints a secret in two chunks, bytes that are not UTF-8 and a last line without a newline;
 * `+test` fails with exit code 7 at Buildfile:7:3. Each mode shows what a user would see.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fromJson } from "@bufbuild/protobuf";
import { BuildFailedError } from "../../../src/buildkit/build-failure.js";
import { GrpcError } from "../../../src/buildkit/grpc/status.js";
import { ProgressDecoder } from "../../../src/buildkit/progress.js";
import { createRenderer, type BuildRenderer, type ProgressMode } from "../../../src/cli/progress/index.js";
import { StatusResponseSchema } from "../../../src/gen/moby/buildkit/v1/control_pb.js";
import { Collected, screen } from "./support.js";

interface RecordedSolve {
  target: string;
  runDigest: string;
  responses: unknown[];
  error?: { message: string; details: string };
}
const solves = JSON.parse(readFileSync(new URL("fixtures/two-targets.json", import.meta.url), "utf8")) as RecordedSolve[];

/** Replays both Solves, alternating their Status responses, then reports the failure. */
function replay(mode: ProgressMode, env: NodeJS.ProcessEnv = {}): Collected {
  const out = new Collected({ isTTY: mode === "tty" });
  const renderer: BuildRenderer = createRenderer({ mode, out, env: { NO_COLOR: "1", TERM: "xterm", ...env }, secrets: ["hunter2"], prefixWidth: 6, now: () => 0, refreshMs: 0 });
  const running = solves.map((solve) => ({ solve, decoder: new ProgressDecoder(), progress: renderer.solve({ target: solve.target }) }));
  const longest = Math.max(...solves.map((s) => s.responses.length));
  for (let i = 0; i < longest; i++) {
    for (const { solve, decoder, progress } of running) {
      const response = solve.responses[i];
      if (response) for (const event of decoder.decode(fromJson(StatusResponseSchema, response as never))) progress.onProgress(event);
    }
  }
  for (const { progress } of running) progress.done();
  const failed = solves.find((s) => s.error)!.error!;
  renderer.failure(new BuildFailedError(new GrpcError(2, failed.message, "/moby.buildkit.v1.Control/Solve", { details: Buffer.from(failed.details, "base64") })));
  renderer.close();
  return out;
}

const image = "docker-image://ebuild-fixture/busybox:latest";
const message = 'process "/bin/sh -c echo test 1 ok; echo test 2 FAILED >&2; exit 7" did not complete successfully: exit code: 7';
/** How plain and tty output end: the failing step's error, then the summary naming where it failed. */
const failureLines = [
  ` +test | ERROR ${message}`,
  "",
  "ERROR +test failed at Buildfile:7:3",
  "  RUN ./run-tests",
  "  exit code 7",
  "  last 2 lines of output:",
  "    test 1 ok",
  "    test 2 FAILED",
];

test("plain: both targets' steps and output under their prefixes, redacted, then the failing step", () => {
  assert.deepEqual(replay("plain").lines, [
    `  +lib | --> ${image}`,
    "  +lib | --> RUN make",
    "  +lib | compiling",
    "  +lib | token=***",
    "  +lib | bin:\ufffd\ufffd",
    " +test | --> RUN ./run-tests",
    "  +lib | no newline",
    " +test | test 1 ok",
    " +test | test 2 FAILED",
    ...failureLines,
  ]);
});

test("GitHub Actions: the same lines and an error annotation on Buildfile line 7", () => {
  const lines = replay("plain", { GITHUB_ACTIONS: "true" }).lines;
  assert.equal(lines.at(-1), "::error file=Buildfile,line=7,col=3,title=+test failed::RUN ./run-tests: exit code 7");
  assert.equal(lines.length, 18);
});

test("json: every line parses, the secret is redacted and the failure names the step", () => {
  const objects = replay("json").lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  const logs = objects.filter((o) => o.type === "log").map((o) => `${o.target as string} ${o.stream as string} ${o.line as string}`);
  assert.deepEqual(logs, [
    "+lib stdout compiling",
    "+lib stdout token=***",
    "+lib stdout bin:\ufffd\ufffd",
    "+lib stdout no newline",
    "+test stdout test 1 ok",
    "+test stderr test 2 FAILED",
  ]);
  const statuses = objects.filter((o) => o.type === "vertex").map((o) => `${o.target as string} ${o.command as string} ${o.status as string}`);
  assert.deepEqual(statuses, [`+lib ${image} started`, `+lib ${image} completed`, "+lib RUN make started", "+test RUN ./run-tests started", "+lib RUN make completed", "+test RUN ./run-tests failed"]);
  assert.deepEqual(objects.at(-1), {
    type: "failure",
    message,
    kind: "build",
    target: "+test",
    command: "RUN ./run-tests",
    position: "Buildfile:7:3",
    exitCode: 7,
    lastLines: ["test 1 ok", "test 2 FAILED"],
  });
});

test("tty: each step's output stays together in one block when it ends, whatever ran at the same time", () => {
  const out = replay("tty");
  assert.deepEqual(screen(out.text), [
    `  +lib | --> ${image} 0.0s`,
    "  +lib | --> RUN make 1.5s",
    "  +lib | compiling",
    "  +lib | token=***",
    "  +lib | bin:\ufffd\ufffd",
    "  +lib | no newline",
    " +test | --> RUN ./run-tests 0.7s",
    " +test | test 1 ok",
    " +test | test 2 FAILED",
    ...failureLines,
  ]);
  // While both ran, the live view listed both.
  assert.ok(out.text.includes("  +lib | RUN make 0.0s\n +test | RUN ./run-tests 0.0s\n"));
});
