import { test } from "node:test";
import assert from "node:assert/strict";
import { EbuildError } from "../../src/errors.js";
import type { BuildPlace, Engine } from "../../src/planner/engine.js";
import { ARG, BUILD, COPY, DO, FOR, FROM, IF, IMPORT, RUN, SAVE_ARTIFACT, SAVE_IMAGE } from "./support/ast.js";
import { firing, reach, skipped } from "./support/reach.js";

/** A deterministic engine: conditions and shell-outs answer from tables, and every call is kept. */
class ScriptedEngine implements Engine {
  readonly calls: string[] = [];
  constructor(readonly answers: Record<string, string | boolean>) {}
  async resolveImageConfig() {
    return { config: {} };
  }
  async shellOut(place: BuildPlace, command: string) {
    this.calls.push(`${place.target} $(${command}) ${place.environment.map(([k, v]) => `${k}=${v}`).join(" ")}`);
    return String(this.answers[command]);
  }
  async evaluateCondition(place: BuildPlace, command: string) {
    this.calls.push(`${place.target} IF ${command}`);
    return this.answers[command] === true;
  }
}

async function rejects(promise: Promise<unknown>, message: RegExp, line?: number) {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof EbuildError, String(err));
    assert.match(err.message, message);
    if (line !== undefined) assert.equal(err.at?.line, line);
    return true;
  });
}

test("a statement that does not fire says why and how to fire it", async () => {
  const plan = await reach({ "/repo": { targets: { a: [FROM("+docker")], docker: [SAVE_IMAGE("img")] } } }, "a");
  // a: line 2, its FROM line 3; docker: line 4, SAVE IMAGE line 5.
  assert.deepEqual(skipped(plan), ["+docker: img — reached only through FROM from +a at Buildfile:3 — add BUILD +docker to fire it"]);
});

test("overrides reach targets of the same Buildfile, whether they declare the ARG or not", async () => {
  const files = {
    "/repo": { targets: { a: [BUILD("+middle")], middle: [BUILD("+leaf"), BUILD("./other+leaf")], leaf: [ARG("V", "default"), SAVE_IMAGE("leaf:$V")] } },
    "/repo/other": { targets: { leaf: [ARG("V", "default"), SAVE_IMAGE("other:$V")] } },
  };
  assert.deepEqual(firing(await reach(files, "a", { overrides: [["V", "cli"]] })), ["+leaf --V=cli: leaf:cli", "./other+leaf: other:default"]);
});

test("--pass-args forwards the caller's ARGs to another Buildfile; explicit overrides win", async () => {
  const files = {
    "/repo": { targets: { a: [ARG("V", "mine"), ARG("W", "w"), BUILD("./other+leaf", { passArgs: true, overrides: { W: "explicit" } })] } },
    "/repo/other": { targets: { leaf: [ARG("V"), ARG("W"), SAVE_IMAGE("other:$V-$W")] } },
  };
  assert.deepEqual(firing(await reach(files, "a")), ["./other+leaf --V=mine --W=explicit: other:mine-explicit"]);
});

test("a repeated override on the command line plans a matrix of entries", async () => {
  const plan = await reach({ "/repo": { targets: { a: [ARG("V"), SAVE_IMAGE("a:$V")] } } }, "a", { overrides: [["V", "1"], ["V", "2"]] });
  assert.deepEqual(firing(plan), ["+a --V=1: a:1", "+a --V=2: a:2"]);
  assert.equal(plan.entries.length, 2);
});

test("identical invocations are planned once", async () => {
  const plan = await reach({ "/repo": { targets: { a: [BUILD("+b"), FROM("+b"), COPY("+b/x", "."), BUILD("+c")], c: [BUILD("+b")], b: [SAVE_IMAGE("b")] } } }, "a");
  assert.deepEqual(plan.targets.map((t) => t.label), ["+a", "+b", "+c"]);
  assert.deepEqual(firing(plan), ["+b: b"]);
});

test("IMPORT aliases and global ARGs of the base recipe serve every target", async () => {
  const files = {
    "/repo": { base: [IMPORT("./lib"), ARG("TAG", "g", { global: true })], targets: { a: [BUILD("lib+x", { overrides: { T: "$TAG" } })] } },
    "/repo/lib": { targets: { x: [ARG("T"), SAVE_IMAGE("x:$T")] } },
  };
  assert.deepEqual(firing(await reach(files, "a")), ["./lib+x --T=g: x:g"]);
});

test("IF and FOR ask the engine, in the build environment of the statement", async () => {
  const engine = new ScriptedEngine({ "test -f yes": true, "ls": "one two" });
  const files = {
    "/repo": {
      targets: {
        a: [ARG("V", "1"), IF("test -f yes", [BUILD("+yes")], [BUILD("+no")]), FOR("N", "$(ls)", [BUILD("+each", { overrides: { N: "$N" } })])],
        yes: [SAVE_IMAGE("yes")],
        no: [SAVE_IMAGE("no")],
        each: [ARG("N"), SAVE_IMAGE("each:$N")],
      },
    },
  };
  assert.deepEqual(firing(await reach(files, "a", { engine })), ["+each --N=one: each:one", "+each --N=two: each:two", "+yes: yes"]);
  assert.deepEqual(engine.calls, ["+a IF test -f yes", "+a $(ls) V=1"]);
});

test("planning errors point at the statement and say what to do", async () => {
  const cases: Array<[string, Parameters<typeof reach>[0], RegExp, number]> = [
    ["FROM cycle", { "/repo": { targets: { a: [FROM("+b")], b: [COPY("+a/x", ".")] } } }, /^target cycle: \+a → \+b → \+a$/, 5],
    ["BUILD cycle", { "/repo": { targets: { a: [BUILD("+b")], b: [BUILD("+a")] } } }, /^BUILD cycle: \+a → \+b → \+a$/, 5],
    ["missing target", { "/repo": { targets: { a: [BUILD("+buld")], build: [] } } }, /has no target buld/, 3],
    ["missing function", { "/repo": { targets: { a: [DO("+NOPE")] } } }, /has no function NOPE/, 3],
    ["global ARG in a target", { "/repo": { targets: { a: [ARG("G", "1", { global: true })] } } }, /ARG --global is allowed only in the base recipe/, 3],
    ["required ARG", { "/repo": { targets: { a: [BUILD("+b")], b: [ARG("R", undefined, { required: true })] } } }, /ARG R is required/, 5],
    ["AS LOCAL outside", { "/repo": { targets: { a: [SAVE_ARTIFACT("out", "../out")] } } }, /leaves the Buildfile's directory/, 3],
    ["$(...) without a daemon", { "/repo": { targets: { a: [ARG("V", "$(date)")] } } }, /\$\(\.\.\.\) cannot run here/, 3],
    ["IF without a daemon", { "/repo": { targets: { a: [IF("true", [])] } } }, /IF needs the BuildKit daemon/, 3],
    ["duplicate image", { "/repo": { targets: { a: [SAVE_IMAGE("x"), BUILD("+b")], b: [SAVE_IMAGE("x")] } } }, /image x is saved twice/, 6],
    ["unknown IMPORT", { "/repo": { targets: { a: [BUILD("lib+x")] } } }, /no IMPORT is named lib/, 3],
  ];
  for (const [name, files, message, line] of cases) {
    await rejects(reach(files, "a"), message, line).catch((err) => assert.fail(`${name}: ${err}`));
  }
});

test("AS LOCAL destinations: a trailing / keeps the artifact's name, globs merge, --force may leave", async () => {
  const plan = await reach({ "/repo": { targets: { a: [SAVE_ARTIFACT("bin/app", "out/"), SAVE_ARTIFACT("dist/*", "site/"), SAVE_ARTIFACT("dir/", "d"), SAVE_ARTIFACT("x", "../x", true)] } } }, "a");
  const outputs = plan.effects.verdicts.map((v) => v.output);
  assert.deepEqual(
    outputs.map((o) => (o.kind === "artifact" ? `${o.destination} ${o.shape}` : "")),
    ["out/app file", "site merge", "d replace", "../x file"],
  );
});

test("RUN --privileged and secrets are collected for the CLI to grant and supply", async () => {
  const plan = await reach({ "/repo": { targets: { a: [RUN("x", { privileged: true, secrets: ["TOKEN=gh", "npm"] }), BUILD("+b")], b: [RUN("y", { secrets: ["gh"] })] } } }, "a");
  assert.deepEqual(plan.entitlements, ["security.insecure"]);
  assert.deepEqual(plan.secrets, ["gh", "npm"]);
});
