/**
 * LOCALLY as planned (no daemon): host RUNs recorded in the Plan with their directory and
 * environment, host files saved as artifacts through an upload, and container commands refused.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { plan } from "../../src/planner/assemble.js";
import { parseForPlanning } from "../../src/planner/parse.js";
import { MemorySourceReader } from "../../src/planner/source.js";
import { opsOf } from "./support/plan.js";

const header = "VERSION 0.8\nFROM ebuild-fixture/busybox:latest\n";

function planText(body: string, entry: string, overrides: Array<[string, string]> = [], ci = false) {
  return plan({
    entry: { directory: "/repo", name: entry },
    platform: "linux/amd64",
    reader: new MemorySourceReader({ "/repo/Buildfile": header + body }),
    parse: parseForPlanning,
    overrides,
    ci,
  });
}

test("host RUNs carry the target's ARGs and ENVs, run where WORKDIR points, and solve nothing themselves", async () => {
  const { plan: planned } = await planText("gen:\n    LOCALLY\n    ARG NAME=world\n    ENV MODE=dev\n    RUN echo $NAME > a.txt\n    WORKDIR sub\n    RUN [\"touch\", \"b\"]\n", "gen", [["NAME", "ebuild"]]);
  assert.deepEqual(planned.outputs, [], "a LOCALLY target has no container state to solve");
  const runs = planned.hostRuns!;
  assert.deepEqual(runs.map((r) => ({ command: r.command, directory: r.directory, at: r.at?.line })), [
    { command: { shell: "echo $NAME > a.txt" }, directory: "/repo", at: 7 },
    { command: { exec: ["touch", "b"] }, directory: "/repo/sub", at: 9 },
  ]);
  assert.ok(runs[0]!.environment.some(([k, v]) => k === "NAME" && v === "ebuild"));
  assert.ok(runs[0]!.environment.some(([k, v]) => k === "MODE" && v === "dev"));
  assert.equal(planned.steps?.get("host-run:0")?.command, "LOCALLY RUN echo $NAME > a.txt");
});

test("host RUNs after a WAIT block belong to the next phase", async () => {
  const { plan: planned } = await planText("img:\n    RUN true\n    SAVE IMAGE x:1\nrun:\n    LOCALLY\n    WAIT\n        BUILD +img\n    END\n    RUN docker run x:1\n", "run");
  assert.deepEqual(planned.hostRuns!.map((r) => r.phase ?? 0), [1]);
  assert.deepEqual(planned.outputs.filter((o) => o.kind === "image").map((o) => o.phase ?? 0), [0]);
});

test("a LOCALLY target's SAVE ARTIFACT uploads only that host file, and COPY +target/file reads it", async () => {
  const { plan: planned } = await planText("gen:\n    LOCALLY\n    RUN echo hi > out.txt\n    SAVE ARTIFACT out.txt\nuse:\n    COPY +gen/out.txt /in.txt\n", "use");
  assert.deepEqual(planned.contexts.find((c) => c.name === "host"), { name: "host", dir: "/repo" });
  const run = planned.outputs.find((o) => o.kind === "run")!;
  const upload = opsOf(run.definition)
    .map((o) => o.op["source"] as { identifier: string; attrs: Record<string, string> } | undefined)
    .find((s) => s?.identifier === "local://host");
  assert.equal(upload?.attrs["local.includepattern"], JSON.stringify(["out.txt"]));
  assert.equal(planned.hostRuns!.length, 1, "reached through COPY, the host RUN still runs: it makes the file");
});

test("SAVE ARTIFACT … AS LOCAL in a LOCALLY target is an artifact output through the output transaction", async () => {
  const { plan: planned } = await planText("gen:\n    LOCALLY\n    SAVE ARTIFACT out.txt AS LOCAL copies/out.txt\n", "gen");
  assert.deepEqual(planned.outputs.map((o) => `${o.kind} ${o.kind === "artifact" ? o.destination : ""}`), ["artifact copies/out.txt"]);
});

test("commands that need a container are refused at their line in a LOCALLY target, and FROM of one too", async () => {
  const cases: Array<[string, RegExp, number]> = [
    ["t:\n    LOCALLY\n    COPY a b\n", /COPY is not allowed in a LOCALLY target/, 5],
    ["t:\n    LOCALLY\n    FROM alpine\n", /FROM is not allowed in a LOCALLY target/, 5],
    ["t:\n    LOCALLY\n    SAVE IMAGE x\n", /SAVE IMAGE is not allowed in a LOCALLY target/, 5],
    ["t:\n    LOCALLY\n    RUN --push echo\n", /RUN --push is not allowed in a LOCALLY target/, 5],
    ["t:\n    LOCALLY\n    SAVE ARTIFACT ../x\n", /saves files inside its directory/, 5],
    ["t:\n    FROM +l\nl:\n    LOCALLY\n", /a LOCALLY target has no image to start from/, 4],
  ];
  for (const [body, says, line] of cases) {
    await assert.rejects(planText(body, "t"), (e: { message: string; at?: { line: number } }) => {
      assert.match(e.message, says);
      assert.equal(e.at?.line, line, body);
      return true;
    });
  }
});

test("EBUILD_LOCALLY is true in a LOCALLY target, and --ci refuses LOCALLY at its line", async () => {
  const { plan: planned } = await planText("t:\n    LOCALLY\n    ARG EARTHLY_LOCALLY\n    RUN echo $EARTHLY_LOCALLY\n", "t");
  assert.ok(planned.hostRuns![0]!.environment.some(([k, v]) => k === "EARTHLY_LOCALLY" && v === "true"));
  await assert.rejects(planText("t:\n    LOCALLY\n", "t", [], true), (e: { message: string; at?: { line: number } }) => /not allowed with --ci/.test(e.message) && e.at?.line === 4);
});
