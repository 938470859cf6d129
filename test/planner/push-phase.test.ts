/**
 * RUN --push splits its target: the commands before it are the target's result (what FROM and
 * COPY use, what its run builds); the first RUN --push and every command after it form the push
 * phase, whose SAVE statements are marked to run only with it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { EbuildError } from "../../src/errors.js";
import { MemorySourceReader, parseForPlanning, plan } from "../../src/planner/index.js";
import { dumpDefinition } from "../../src/planner/llb/index.js";

async function planText(text: string, entry: string) {
  return plan({ entry: { directory: "/repo", name: entry }, platform: "linux/amd64", reader: new MemorySourceReader({ "/repo/Buildfile": text }), parse: parseForPlanning });
}

/** The shell commands of a definition's exec ops, with whether each ignores the cache. */
function runsOf(definition: Uint8Array): string[] {
  return dumpDefinition(definition).ops.flatMap(({ op, metadata }) => {
    const exec = op["exec"] as { meta: { args: string[] } } | undefined;
    if (exec === undefined) return [];
    return [`${exec.meta.args[2]}${metadata?.["ignoreCache"] === true ? " (always runs)" : ""}`];
  });
}

const deploy = `VERSION 0.8
app:
    FROM ebuild-fixture/busybox:latest
    RUN echo build > /b
    SAVE ARTIFACT /b AS LOCAL out/b
    RUN --push echo deploy > /d
    RUN cat /d > /after
    SAVE ARTIFACT /after AS LOCAL out/after
    SAVE IMAGE ebuild-platforms/deployed:1
user:
    FROM +app
    RUN cat /b
`;

test("the commands after the first RUN --push form the push phase; the target's run stops before it", async () => {
  const { plan: p } = await planText(deploy, "app");
  assert.deepEqual(p.outputs.map((o) => `${o.kind}${"pushPhase" in o && o.pushPhase ? " (push phase)" : ""}`), ["run", "image (push phase)", "artifact", "artifact (push phase)", "push-run"]);
  const [run, image, , , push] = p.outputs;
  assert.deepEqual(runsOf(run!.definition), ["echo build > /b"]);
  assert.ok(push?.kind === "push-run");
  assert.deepEqual(push.commands, ["RUN --push echo deploy > /d", "RUN cat /d > /after"]);
  assert.deepEqual(runsOf(push.definition), ["echo build > /b", "echo deploy > /d (always runs)", "cat /d > /after (always runs)"]);
  assert.deepEqual(runsOf(image!.definition), runsOf(push.definition), "the image is saved from the push phase's last state");
});

test("FROM +target uses the target as it stood before its RUN --push", async () => {
  const { plan: p } = await planText(deploy, "user");
  assert.deepEqual(p.outputs.map((o) => o.kind), ["run"]);
  assert.deepEqual(runsOf(p.outputs[0]!.definition), ["echo build > /b", "cat /b"]);
  assert.deepEqual(p.skipped.map((s) => `${s.kind} ${s.what}`), ["artifact out/b", "push-run echo deploy > /d", "artifact out/after", "image ebuild-platforms/deployed:1"]);
});

for (const [command, line] of [["FROM alpine", "FROM"], ["BUILD +other", "BUILD"], ["WAIT\n        RUN true\n    END", "WAIT"]] as const) {
  test(`${line} after RUN --push is refused at its line`, async () => {
    const text = `VERSION 0.8\napp:\n    FROM ebuild-fixture/busybox:latest\n    RUN --push echo deploy\n    ${command}\nother:\n    FROM ebuild-fixture/busybox:latest\n`;
    await assert.rejects(planText(text, "app"), (error: unknown) => {
      assert.ok(error instanceof EbuildError, String(error));
      assert.match(error.message, new RegExp(`^${line} after RUN --push`));
      assert.equal(error.at?.line, 5);
      return true;
    });
  });
}
