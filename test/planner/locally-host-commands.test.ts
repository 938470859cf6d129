/**
 * A LOCALLY target's `$(...)`, IF conditions and FOR lists, as planned with a scripted host shell
 * (no daemon, no host): they run on the host in the target's directory with its variables, after
 * the host RUNs planned before them ran (as in Earthly); after a WAIT block, or where no RUN or
 * nothing may run, they are refused at their line.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { EbuildError } from "../../src/errors.js";
import { plan } from "../../src/planner/assemble.js";
import type { BuildPlace, Engine } from "../../src/planner/engine.js";
import type { HostPlace, HostShell } from "../../src/planner/host-shell.js";
import type { HostRun } from "../../src/planner/plan.js";
import { parseForPlanning } from "../../src/planner/parse.js";
import { MemorySourceReader } from "../../src/planner/source.js";

/** Answers host commands from a script and records where each ran, and which RUNs it ran. */
class ScriptedHost implements HostShell {
  readonly calls: string[] = [];
  readonly runHostRun: ((run: HostRun, index: number) => Promise<void>) | undefined;
  constructor(
    readonly answers: Record<string, string | boolean>,
    options: { runs: boolean } = { runs: true },
  ) {
    this.runHostRun = options.runs ? async (run, index) => void this.calls.push(`RUN#${index} ${"shell" in run.command ? run.command.shell : ""}`) : undefined;
  }
  async shellOut(place: HostPlace, command: string) {
    this.calls.push(`$(${command}) in ${place.directory} at ${place.at.line}${variablesOf(place)}`);
    const answer = this.answers[command];
    if (typeof answer !== "string") throw new EbuildError("build", "exited with status 1", { hint: `its error output: ${command}: not found` });
    return answer;
  }
  async evaluateCondition(place: HostPlace, command: string) {
    this.calls.push(`IF ${command} in ${place.directory} at ${place.at.line}${variablesOf(place)}`);
    return this.answers[command] === true;
  }
}

function variablesOf(place: HostPlace): string {
  const wanted = place.environment.filter(([k]) => k === "NAME" || k === "MODE");
  return wanted.length === 0 ? "" : ` with ${wanted.map(([k, v]) => `${k}=${v}`).join(" ")}`;
}

/** A daemon that answers container shell-outs, so the test sees which side ran what. */
class ScriptedEngine implements Engine {
  readonly calls: string[] = [];
  async resolveImageConfig() {
    return { config: {} };
  }
  async shellOut(_place: BuildPlace, command: string) {
    this.calls.push(`$(${command})`);
    return "from-container";
  }
  async evaluateCondition(_place: BuildPlace, command: string) {
    this.calls.push(`IF ${command}`);
    return true;
  }
}

const header = "VERSION 0.8\nFROM ebuild-fixture/busybox:latest\n";

function planWith(body: string, entry: string, options: { host?: HostShell; engine?: Engine } = {}) {
  return plan({
    entry: { directory: "/repo", name: entry },
    platform: "linux/amd64",
    reader: new MemorySourceReader({ "/repo/Buildfile": header + body }),
    parse: parseForPlanning,
    ...options,
  });
}

function commandsOf(runs: ReadonlyArray<{ command: { shell: string } | { exec: string[] } }> | undefined): string[] {
  return (runs ?? []).map((r) => ("shell" in r.command ? r.command.shell : r.command.exec.join(" ")));
}

async function refused(promise: Promise<unknown>, message: RegExp, at: { line: number; column?: number }, hint?: RegExp) {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof EbuildError, String(err));
    assert.equal(err.kind, "semantic");
    assert.match(err.message, message);
    assert.equal(err.at?.line, at.line, err.message);
    if (at.column !== undefined) assert.equal(err.at?.column, at.column, err.message);
    if (hint !== undefined) assert.match(err.hint ?? "", hint);
    return true;
  });
}

test("IF, ELSE IF and ELSE pick their branch from conditions run on the host, in the target's directory and variables", async () => {
  const body = [
    "deploy:",
    "    LOCALLY",
    "    ARG NAME=prod",
    "    WORKDIR site",
    "    IF [ -f missing.txt ]",
    "        RUN echo first",
    "    ELSE IF [ -f present.txt ]",
    "        RUN echo second",
    "    ELSE",
    "        RUN echo third",
    "    END",
    "",
  ].join("\n");
  const host = new ScriptedHost({ "[ -f present.txt ]": true });
  const engine = new ScriptedEngine();
  const { plan: planned, reach } = await planWith(body, "deploy", { host, engine });
  assert.deepEqual(commandsOf(planned.hostRuns), ["echo second"]);
  assert.deepEqual(host.calls, ["IF [ -f missing.txt ] in /repo/site at 7 with NAME=prod", "IF [ -f present.txt ] in /repo/site at 9 with NAME=prod"]);
  assert.deepEqual(engine.calls, [], "nothing of a LOCALLY target runs in a container");
  assert.deepEqual(reach.hostEvaluations.map((e) => `${e.kind} ${e.command} → ${e.result}`), ["IF [ -f missing.txt ] → false", "IF [ -f present.txt ] → true"]);
});

test("FOR iterates over a host $(...) list, split on whitespace or on --sep", async () => {
  const body = [
    "copy:",
    "    LOCALLY",
    "    FOR --sep=, f IN $(list-csv)",
    "        FOR g IN $(ls inputs)",
    "            RUN cp inputs/$g out/$f-$g",
    "        END",
    "    END",
    "",
  ].join("\n");
  const host = new ScriptedHost({ "list-csv": "x,y\n", "ls inputs": "a.txt\nb.txt\n" });
  const { plan: nested } = await planWith(body, "copy", { host });
  assert.deepEqual(commandsOf(nested.hostRuns), Array(4).fill("cp inputs/$g out/$f-$g"));
  assert.deepEqual(host.calls, [
    "$(list-csv) in /repo at 5",
    "$(ls inputs) in /repo at 6",
    "RUN#0 cp inputs/$g out/$f-$g",
    "RUN#1 cp inputs/$g out/$f-$g",
    "$(ls inputs) in /repo at 6",
  ], "the second pass lists the inputs after the first pass's RUNs ran");
  assert.deepEqual(nested.hostRuns!.map((r) => r.ranWhilePlanning === true), [true, true, false, false], "the build runs only the RUNs planning did not");
  const flat = "copy:\n    LOCALLY\n    FOR --sep=, f IN $(list-csv)\n        RUN touch $f\n    END\n    \n";
  const { plan: planned } = await planWith(flat, "copy", { host });
  assert.equal(planned.hostRuns!.length, 2);
  assert.deepEqual(planned.hostRuns!.map((r) => r.environment.find(([k]) => k === "f")?.[1]), ["x", "y"], "the loop variable reaches each host RUN");
  const { plan: lines } = await planWith("copy:\n    LOCALLY\n    FOR g IN $(ls inputs)\n        RUN cat $g\n    END\n", "copy", { host: new ScriptedHost({ "ls inputs": "a.txt\nb.txt\n" }) });
  assert.deepEqual(lines.hostRuns!.map((r) => r.environment.find(([k]) => k === "g")?.[1]), ["a.txt", "b.txt"]);
});

test("$(...) in ARG, LET, SET and ENV values runs on the host with trailing newlines trimmed; before LOCALLY it runs in the container", async () => {
  const body = [
    "info:",
    "    ARG BEFORE=$(uname)",
    "    LOCALLY",
    "    ARG NAME=$(whoami)",
    "    LET who = \"$(echo $NAME)!\"",
    "    SET who = \"$who $(date)\"",
    "    ENV MODE=$(cat mode)",
    "    RUN echo $BEFORE $NAME $who $MODE",
    "",
  ].join("\n");
  const host = new ScriptedHost({ whoami: "alice\n\n", "echo $NAME": "alice\n", date: "today", "cat mode": "dev\n" });
  const engine = new ScriptedEngine();
  const { plan: planned, reach } = await planWith(body, "info", { host, engine });
  assert.deepEqual(engine.calls, ["$(uname)"], "an ARG above LOCALLY belongs to the container part");
  assert.deepEqual(host.calls, ["$(whoami) in /repo at 6", "$(echo $NAME) in /repo at 7 with NAME=alice", "$(date) in /repo at 8 with NAME=alice", "$(cat mode) in /repo at 9 with NAME=alice"]);
  const environment = new Map(planned.hostRuns![0]!.environment);
  assert.equal(environment.get("BEFORE"), "from-container");
  assert.equal(environment.get("NAME"), "alice");
  assert.equal(environment.get("who"), "alice! today");
  assert.equal(environment.get("MODE"), "dev");
  assert.deepEqual(reach.hostEvaluations.map((e) => e.result), ["alice", "alice", "today", "dev"]);
});

test("without a host shell, a LOCALLY target's IF and $(...) are refused at their line and nothing runs", async () => {
  await refused(planWith("t:\n    LOCALLY\n    IF [ -f x ]\n        RUN true\n    END\n", "t"), /IF \[ -f x \] in a LOCALLY target runs on the host, and nothing may run on the host here/, { line: 5 }, /ebuild plan --host-commands/);
  await refused(planWith("t:\n    LOCALLY\n    LET v = a$(cat x)\n", "t"), /\$\(cat x\) in a LOCALLY target runs on the host/, { line: 5, column: 14 });
  // Plain words need no shell: a FOR over them plans without one.
  const { plan: planned } = await planWith("t:\n    LOCALLY\n    FOR v IN a b\n        RUN echo $v\n    END\n", "t");
  assert.equal(planned.hostRuns!.length, 2);
});

const afterRuns: Array<[string, string, RegExp, number]> = [
  ["a RUN above", "t:\n    LOCALLY\n    RUN touch made.txt\n    IF [ -f made.txt ]\n        RUN true\n    END\n", /IF \[ -f made\.txt \] would run on the host after the LOCALLY RUN of \+t at Buildfile:5, and no RUN may run here/, 6],
  ["a RUN of the loop's first pass", "t:\n    LOCALLY\n    FOR v IN a b\n        IF [ -f made.txt ]\n            RUN touch $v\n        END\n    END\n", /after the LOCALLY RUN of \+t at Buildfile:7/, 6],
  ["another target's RUN", "t:\n    BUILD +gen\n    BUILD +use\ngen:\n    LOCALLY\n    RUN touch made.txt\nuse:\n    LOCALLY\n    LET files = $(ls out)\n", /\$\(ls out\) would run on the host after the LOCALLY RUN of \+gen at Buildfile:8/, 11],
];

test("the host RUNs planned before a host command (this target's, a loop's earlier pass, another target's) run first, in order", async () => {
  const expected = [
    ["RUN#0 touch made.txt", "IF [ -f made.txt ] in /repo at 6"],
    ["IF [ -f made.txt ] in /repo at 6", "RUN#0 touch $v", "IF [ -f made.txt ] in /repo at 6"],
    ["RUN#0 touch made.txt", "$(ls out) in /repo at 11"],
  ];
  for (const [index, [what, body]] of afterRuns.entries()) {
    const host = new ScriptedHost({ "[ -f made.txt ]": true, "ls out": "a" });
    const { plan: planned } = await planWith(body, "t", { host });
    assert.deepEqual(host.calls, expected[index], what);
    assert.equal(planned.hostRuns!.filter((r) => r.ranWhilePlanning !== true).length, planned.hostRuns!.length - 1, `${what}: only the RUN before the command ran while planning`);
  }
});

test("where no RUN may run (ebuild plan), a host command after a host RUN is refused at its line, naming the RUN", async () => {
  const host = new ScriptedHost({ "[ -f made.txt ]": true, "ls out": "a" }, { runs: false });
  for (const [, body, message, line] of afterRuns) await refused(planWith(body, "t", { host }), message, { line }, /ebuild plan. runs no RUN/);
  assert.ok(!host.calls.some((c) => c.startsWith("RUN#")));
});

test("a host command after a WAIT block is refused: the block's outputs are written only when the build runs", async () => {
  const body = "t:\n    LOCALLY\n    WAIT\n        BUILD +img\n    END\n    IF [ -f out/bin ]\n        RUN true\n    END\nimg:\n    SAVE ARTIFACT /bin AS LOCAL out/\n";
  await refused(planWith(body, "t", { host: new ScriptedHost({}) }), /IF \[ -f out\/bin \] runs on the host while planning, but it comes after a WAIT block/, { line: 8 }, /before the WAIT block/);
});

test("a host $(...) that fails is a semantic error at its column, with the command's own hint", async () => {
  await refused(planWith("t:\n    LOCALLY\n    ARG V=x$(missing-tool)\n", "t", { host: new ScriptedHost({}) }), /\$\(missing-tool\) failed: exited with status 1/, { line: 5, column: 12 }, /missing-tool: not found/);
});

test("IF and FOR flags that give a container's mounts are refused at their line in a LOCALLY target; --no-cache is accepted", async () => {
  const host = new ScriptedHost({ "[ -f x ]": true });
  await refused(planWith("t:\n    LOCALLY\n    IF --secret=token [ -f x ]\n        RUN true\n    END\n", "t", { host }), /IF --secret is not allowed in a LOCALLY target/, { line: 5 });
  await refused(planWith("t:\n    LOCALLY\n    IF false\n    ELSE IF --privileged [ -f x ]\n    END\n", "t", { host }), /IF --privileged is not allowed in a LOCALLY target/, { line: 6 });
  await refused(planWith("t:\n    LOCALLY\n    FOR --mount=type=cache,target=/c f IN a\n    END\n", "t", { host }), /FOR --mount is not allowed in a LOCALLY target/, { line: 5 });
  assert.deepEqual(host.calls, [], "refused before anything ran");
  const { plan: planned } = await planWith("t:\n    LOCALLY\n    IF --no-cache [ -f x ]\n        RUN true\n    END\n", "t", { host });
  assert.equal(planned.hostRuns!.length, 1);
});
