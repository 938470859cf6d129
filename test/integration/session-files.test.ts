/**
 * The session on the real daemon: build contexts read through our FileSync, results written back
 * through our FileSend, secrets handed to a RUN.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { newBuildRef } from "../../src/buildkit/client.js";
import { fileSendService, fileSyncService, secretsService } from "../../src/buildkit/session/index.js";
import { image, local, marshal, scratch } from "../../src/planner/llb/index.js";
import { assertSameTree, describeTree, generateTree } from "../buildkit/session/tree.js";
import { useDaemon } from "../support/daemon.js";
import { buildWithSession } from "../support/session-build.js";

const base = "ebuild-fixture/busybox:latest";
const temp = (name: string) => mkdtemp(join(tmpdir(), `ebuild-${name}-`));

const daemon = useDaemon();

test("a local context is read through FileSync and exported back through FileSend intact", async () => {
  const context = await temp("context");
  await generateTree(context, { files: 300, largeBytes: 5 * 1024 * 1024 + 17 });
  const out = await temp("exported");
  const sessionId = newBuildRef();
  const { definition } = marshal(local("context", { sessionId, sharedKeyHint: "context", excludePatterns: ["ignored.secret"] }));
  await buildWithSession(
    daemon.client,
    [fileSyncService(new Map([["context", context]])), fileSendService(new Map([[0, { kind: "directory" as const, path: out }]]))],
    { definition, exporters: [{ type: "local" }] },
    sessionId,
  );
  const expected = await describeTree(context);
  assert.ok(expected.delete("ignored.secret"));
  assertSameTree(await describeTree(out), expected);
});

test("a RUN sees the uploaded files and the secret, and the secret stays out of the export", async () => {
  const context = await temp("context");
  await generateTree(context, { files: 120, largeBytes: 3 * 1024 * 1024 });
  const out = await temp("sums");
  const secret = `s3cret-${process.pid}`;
  const sessionId = newBuildRef();
  const source = local("context", { sessionId, sharedKeyHint: "context", excludePatterns: ["ignored.secret"] });
  const script = [
    "cd /ctx && find . -type f | sort | while read f; do sha256sum \"$f\"; done > /out/sums",
    `[ "$(cat /run/secrets/token)" = "${secret}" ] && echo secret-seen > /out/secret-check`,
  ].join(" && ");
  // The export is the writable /out mount, which starts empty.
  const written = image(base)
    .run({
      args: ["/bin/sh", "-c", script],
      mounts: [
        { type: "bind", target: "/ctx", from: source, readonly: true },
        { type: "bind", target: "/out", from: scratch() },
        { type: "secret", target: "/run/secrets/token", id: "token", mode: 0o400 },
      ],
    })
    .getMount("/out");
  await buildWithSession(
    daemon.client,
    [
      fileSyncService(new Map([["context", context]])),
      fileSendService(new Map([[0, { kind: "directory" as const, path: out }]])),
      secretsService(new Map([["token", { value: secret }]])),
    ],
    { definition: marshal(written).definition, exporters: [{ type: "local" }] },
    sessionId,
  );

  const expected: string[] = [];
  for (const [path, entry] of await describeTree(context)) {
    if (entry.type === "file" && path !== "ignored.secret") expected.push(`${entry.sha256}  ./${path}`);
  }
  const sums = (await readFile(join(out, "sums"), "utf8")).trim().split("\n");
  assert.deepEqual(sums, expected.sort((a, b) => (a.slice(66) < b.slice(66) ? -1 : 1)));
  assert.equal(await readFile(join(out, "secret-check"), "utf8"), "secret-seen\n");
  assert.deepEqual((await readdir(out)).sort(), ["secret-check", "sums"]);
  for (const name of await readdir(out)) assert.doesNotMatch(await readFile(join(out, name), "utf8"), new RegExp(secret));
});
