/**
 * `ebuild plan` through the real CLI process on the fixtures under fixtures/planner: what a user
 * sees before building (no daemon needed).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

function ebuildPlan(fixture: string, args: string[]) {
  const result = spawnSync(process.execPath, ["--import", "tsx", `${root}/src/cli/main.ts`, "plan", ...args], {
    cwd: `${root}/fixtures/planner/${fixture}`,
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test("ebuild plan shows a target reached only through FROM does not save its image, and how to fix it", () => {
  const { status, stdout } = ebuildPlan("chains", ["+all"]);
  assert.equal(status, 0);
  assert.match(stdout, /^\+all\n/);
  assert.match(stdout, /✓ fires {2}SAVE IMAGE ebuild-test\/app:1 Buildfile:19/);
  assert.match(stdout, /✗ does not fire {2}SAVE IMAGE ebuild-test\/deps:latest Buildfile:12\n +reached only through FROM from \+app at Buildfile:15 — add BUILD \+deps to fire it/);
  assert.match(stdout, /✗ does not fire {2}SAVE ARTIFACT … AS LOCAL out\/index.txt Buildfile:24\n +reached only through COPY from \+app at Buildfile:17/);
});

test("ebuild plan passes overrides from the command line to the target and its same-file targets", () => {
  const { status, stdout } = ebuildPlan("chains", ["+all", "--VERSION=7"]);
  assert.equal(status, 0);
  assert.match(stdout, /BUILD \+app --VERSION=7/);
  assert.match(stdout, /SAVE IMAGE ebuild-test\/app:7/);
});

test("ebuild plan on a function wrapping BUILD and FROM: the target is built once and saves", () => {
  const { status, stdout } = ebuildPlan("function", ["+release"]);
  assert.equal(status, 0);
  assert.match(stdout, /DO \+BUILD_AND_USE Buildfile:13/);
  assert.match(stdout, /✓ fires {2}SAVE IMAGE ebuild-test\/image:1.0/);
  assert.equal(stdout.match(/SAVE IMAGE/g)?.length, 1);
});

test("ebuild plan on matrix BUILDs lists one invocation per value", () => {
  const { status, stdout } = ebuildPlan("matrix", ["+all"]);
  assert.equal(status, 0);
  assert.match(stdout, /BUILD \+image --V=1[\s\S]*matrix:1[\s\S]*BUILD \+image --V=2[\s\S]*matrix:2/);
});

test("ebuild plan reports a cycle with its chain and position, exit code 2", () => {
  const { status, stderr } = ebuildPlan("cycle", ["+a"]);
  assert.equal(status, 2);
  assert.match(stderr, /Buildfile:8:10: target cycle: \+a → \+b → \+a/);
});

test("ebuild plan --json and --llb print machine-readable plans", () => {
  const json = ebuildPlan("matrix", ["+all", "--json"]);
  assert.equal(json.status, 0);
  const plan = JSON.parse(json.stdout) as { outputs: Array<{ kind: string; names?: string[] }>; edges: Array<{ kind: string }> };
  assert.deepEqual(plan.outputs.filter((o) => o.kind === "image").map((o) => o.names), [["ebuild-test/matrix:1"], ["ebuild-test/matrix:2"]]);
  assert.deepEqual(plan.edges.map((e) => e.kind), ["BUILD", "BUILD"]);
  const llb = ebuildPlan("matrix", ["+image", "--V=3", "--llb"]);
  assert.equal(llb.status, 0);
  const dumped = JSON.parse(llb.stdout) as Array<{ kind: string; definition: { ops: Array<{ op: { exec?: { meta: { args: string[]; env: string[] } } } }> } }>;
  const exec = dumped[0]!.definition.ops.find((o) => o.op.exec !== undefined)!.op.exec!;
  assert.deepEqual(exec.meta.args, ["/bin/sh", "-c", "echo $V > /v"]);
  assert.ok(exec.meta.env.includes("V=3"));
});

test("ebuild plan on a missing target suggests the close names", () => {
  const { status, stderr } = ebuildPlan("matrix", ["+imag"]);
  assert.equal(status, 2);
  assert.match(stderr, /has no target imag[\s\S]*did you mean \+image\?/);
});

test("ebuild explain is ebuild plan: the tree names every edge kind with its line", () => {
  const result = spawnSync(process.execPath, ["--import", "tsx", `${root}/src/cli/main.ts`, "explain", "+all"], {
    cwd: `${root}/fixtures/planner/chains`,
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
    encoding: "utf8",
    timeout: 60_000,
  });
  assert.equal(result.status, 0, result.stderr);
  const edges = result.stdout.split("\n").filter((line) => /^\s+(BUILD|FROM|COPY|DO|LOAD) /.test(line)).map((line) => line.trim());
  assert.deepEqual(edges, ["BUILD +app Buildfile:5", "FROM +deps Buildfile:15", "COPY +docs Buildfile:17", "FROM +deps Buildfile:6 (above)"]);
  assert.equal(result.stdout, ebuildPlan("chains", ["+all"]).stdout);
});
