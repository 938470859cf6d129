/**
 * The engine's FROM DOCKERFILE on the real daemon: BuildKit's Dockerfile frontend reads the
 * Dockerfile through our session and answers with the stage's LLB and image config, without
 * building. Its context upload asks only for what the Dockerfile copies, minus .dockerignore.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { dumpDefinition } from "../../src/planner/llb/index.js";
import { project } from "../support/cli.js";
import { useEngine } from "../support/engine.js";

const daemon = useEngine();

test("the frontend's LLB uploads only the files the Dockerfile copies, and its config comes with it", async () => {
  const dir = await project({
    "Dockerfile": "FROM ebuild-fixture/busybox:latest\nENV MODE=test\nWORKDIR /srv\nCOPY app/ ./app/\nCOPY top.txt .\nCMD [\"ls\"]\n",
    ".dockerignore": "app/*.log\n",
    "app/main.txt": "main\n",
    "app/debug.log": "noise\n",
    "top.txt": "top\n",
    "unrelated/big.bin": "x".repeat(1 << 16),
  });
  const built = await daemon.engine.buildDockerfile({
    target: "+t",
    platform: "linux/amd64",
    context: { kind: "directory", directory: dir },
    dockerfile: { kind: "directory", directory: dir, filename: "Dockerfile" },
    buildArgs: [],
  });
  assert.deepEqual(built.config.Env, ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "MODE=test"]);
  assert.equal(built.config.WorkingDir, "/srv");
  assert.deepEqual(built.config.Cmd, ["ls"]);
  const sources = dumpDefinition(built.definition)
    .ops.map((o) => o.op["source"] as { identifier: string; attrs: Record<string, string> } | undefined)
    .filter((s) => s !== undefined);
  const upload = sources.find((s) => s.identifier === "local://context");
  assert.ok(upload, JSON.stringify(sources));
  assert.ok(upload.attrs["local.session"], "the frontend names the session it read through; the planner renames this source");
  assert.deepEqual((JSON.parse(upload.attrs["local.followpaths"] ?? "[]") as string[]).sort(), ["app", "top.txt"]);
  assert.deepEqual(JSON.parse(upload.attrs["local.excludepatterns"] ?? "[]"), ["app/*.log"]);
});

test("a stage that does not exist is the frontend's error", async () => {
  const dir = await project({ Dockerfile: "FROM ebuild-fixture/busybox:latest AS one\n" });
  await assert.rejects(
    daemon.engine.buildDockerfile({
      target: "+t",
      platform: "linux/amd64",
      context: { kind: "directory", directory: dir },
      dockerfile: { kind: "directory", directory: dir, filename: "Dockerfile" },
      stage: "two",
      buildArgs: [],
    }),
    /two/,
  );
});
