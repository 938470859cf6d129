/**
 * TRY … FINALLY: the RUN keeps its exit code in a mount instead of failing; the FINALLY artifacts
 * are outputs taken from the RUN's result (written even when the build fails); the target goes on
 * from a step that fails as the RUN did. The block's shape is checked at its lines.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { EbuildError } from "../../src/errors.js";
import { MemorySourceReader, parseForPlanning, plan } from "../../src/planner/index.js";
import { dumpDefinition } from "../../src/planner/llb/index.js";

const head = "VERSION --try 0.8\nFROM ebuild-fixture/busybox:latest\n";

async function planText(text: string, entry = "t") {
  return plan({ entry: { directory: "/repo", name: entry }, platform: "linux/amd64", reader: new MemorySourceReader({ "/repo/Buildfile": text }), parse: parseForPlanning });
}

function execArgs(definition: Uint8Array): string[][] {
  return dumpDefinition(definition).ops.flatMap(({ op }) => {
    const exec = op["exec"] as { meta: { args: string[] } } | undefined;
    return exec === undefined ? [] : [exec.meta.args];
  });
}

test("the RUN captures its exit code; FINALLY saves from its result; the target then fails as the RUN did", async () => {
  const { plan: p } = await planText(`${head}t:\n    TRY\n        RUN make test\n    FINALLY\n        SAVE ARTIFACT junit.xml AS LOCAL out/junit.xml\n    END\n    RUN echo after\n`);
  const report = p.outputs.find((o) => o.kind === "artifact")!;
  assert.equal(report.kind === "artifact" && report.finally, true);
  assert.deepEqual(execArgs(report.definition), [["/bin/sh", "-c", '"$@"; echo $? > /.ebuild/try/code', "sh", "/bin/sh", "-c", "make test"]], "the FINALLY output needs only the RUN, never the check");
  const run = p.outputs.find((o) => o.kind === "run")!;
  assert.deepEqual(execArgs(run.definition).map((args) => args.at(-1)), ["make test", 'exit "$(cat /.ebuild/try/code)"', "echo after"]);
  assert.equal(p.steps !== undefined && [...p.steps.values()].filter((s) => s.command === "RUN make test").length, 2, "the check is shown as the RUN");
});

test("TRY's shape is checked at its line: the feature, one RUN, only SAVE ARTIFACT … AS LOCAL in FINALLY, no CATCH", async () => {
  const cases: Array<[string, string, RegExp, number]> = [
    ["VERSION 0.8\nFROM ebuild-fixture/busybox:latest\n", "    TRY\n        RUN x\n    END\n", /TRY needs the --try feature/, 4],
    [head, "    TRY\n        RUN x\n        RUN y\n    END\n", /TRY holds exactly one RUN/, 6],
    [head, "    TRY\n        COPY a b\n    END\n", /TRY holds exactly one RUN/, 5],
    [head, "    TRY\n        RUN --push x\n    END\n", /RUN --push cannot be in a TRY/, 5],
    [head, "    TRY\n        RUN x\n    FINALLY\n        RUN y\n    END\n", /FINALLY holds only SAVE ARTIFACT … AS LOCAL/, 7],
    [head, "    TRY\n        RUN x\n    FINALLY\n        SAVE ARTIFACT out/*.xml AS LOCAL out/\n    END\n", /wildcards are not allowed/, 7],
    [head, "    TRY\n        RUN x\n    CATCH\n        RUN y\n    END\n", /CATCH is not supported/, 7],
  ];
  for (const [header, body, message, line] of cases) {
    await assert.rejects(planText(`${header}t:\n${body}`), (error: unknown) => {
      assert.ok(error instanceof EbuildError, String(error));
      assert.match(error.message, message);
      assert.equal(error.at?.line, line, `${error.message} for\n${body}`);
      return true;
    });
  }
});
