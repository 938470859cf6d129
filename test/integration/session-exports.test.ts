/**
 * The session on the real daemon, continued: archive exports streamed to a file we chose, and what
 * a user sees when a secret is missing.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtemp, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { newBuildRef } from "../../src/buildkit/client.js";
import { fileSendService, fileSyncService, fileTarget, secretsService } from "../../src/buildkit/session/index.js";
import { image, local, marshal } from "../../src/planner/llb/index.js";
import { useDaemon } from "../support/daemon.js";
import { buildWithSession } from "../support/session-build.js";

const base = "ebuild-fixture/busybox:latest";
const temp = (name: string) => mkdtemp(join(tmpdir(), `ebuild-${name}-`));

const daemon = useDaemon();

test("the tar exporter streams the result into the file we chose", async () => {
  const context = await temp("context");
  await mkdir(join(context, "docs"));
  await writeFile(join(context, "docs", "guide.md"), "# guide\n");
  await writeFile(join(context, "Buildfile"), "VERSION 0.8\n");
  await writeFile(join(context, "skip.log"), "noise");
  const archive = join(await temp("archive"), "out.tar");
  const sessionId = newBuildRef();
  const { definition } = marshal(local("context", { sessionId, sharedKeyHint: "context", excludePatterns: ["*.log"] }));
  await buildWithSession(
    daemon.client,
    [fileSyncService(new Map([["context", context]])), fileSendService(new Map([[0, fileTarget(archive)]]))],
    { definition, exporters: [{ type: "tar" }] },
    sessionId,
  );
  const listing = execFileSync("tar", ["-tf", archive], { encoding: "utf8" }).trim().split("\n").sort();
  assert.deepEqual(listing, ["Buildfile", "docs/", "docs/guide.md"]);
  assert.equal(execFileSync("tar", ["-xOf", archive, "docs/guide.md"], { encoding: "utf8" }), "# guide\n");
});

test("a RUN that needs a secret the session does not have fails naming the secret", async () => {
  const step = image(base)
    .run({
      args: ["/bin/sh", "-c", "cat /run/secrets/api-key"],
      mounts: [{ type: "secret", target: "/run/secrets/api-key", id: "api-key", mode: 0o400 }],
    })
    .root();
  await assert.rejects(
    buildWithSession(daemon.client, [secretsService(new Map([["other", { value: "x" }]]))], {
      definition: marshal(step).definition,
    }),
    (error: Error) => {
      assert.match(error.message, /secret api-key/);
      return true;
    },
  );
});

test("only the files the build selects are uploaded", async () => {
  const context = await temp("context");
  await mkdir(join(context, "src", "gen"), { recursive: true });
  await mkdir(join(context, "node_modules", "dep"), { recursive: true });
  for (const file of ["src/main.ts", "src/main.test.ts", "src/gen/out.ts", "node_modules/dep/index.js", "README.md"]) {
    await writeFile(join(context, file), file);
  }
  const out = await temp("selected");
  const sessionId = newBuildRef();
  const { definition } = marshal(
    local("context", { sessionId, sharedKeyHint: "context", includePatterns: ["src", "README.md"], excludePatterns: ["**/*.test.ts", "src/gen"] }),
  );
  await buildWithSession(
    daemon.client,
    [fileSyncService(new Map([["context", context]])), fileSendService(new Map([[0, { kind: "directory" as const, path: out }]]))],
    { definition, exporters: [{ type: "local" }] },
    sessionId,
  );
  const listing = execFileSync("find", [".", "-mindepth", "1"], { cwd: out, encoding: "utf8" }).trim().split("\n").sort();
  assert.deepEqual(listing, ["./README.md", "./src", "./src/main.ts"]);
});
