import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileSendService, fileSyncService } from "../../../src/buildkit/session/index.js";
import { receiveDirectory } from "../../../src/buildkit/session/receive.js";
import { sendDirectory } from "../../../src/buildkit/session/file-sync.js";
import { asServerCall, startSession } from "./grpc-client.js";
import { assertSameTree, describeTree, generateTree } from "./tree.js";

const temp = (name: string) => mkdtemp(join(tmpdir(), `ebuild-${name}-`));

test("a context uploaded through FileSync and exported back through FileSend arrives intact", async () => {
  const source = await temp("context");
  await generateTree(source, { files: 300, largeBytes: 5 * 1024 * 1024 + 17 });
  const uploaded = await temp("uploaded");
  const exported = await temp("exported");
  const session = startSession([
    fileSyncService(new Map([["context", source]])),
    fileSendService(new Map([[0, { kind: "directory" as const, path: exported }]])),
  ]);
  try {
    // The daemon's side of a context upload: it receives, we send.
    const upload = session.call("/moby.filesync.v1.FileSync/DiffCopy", {
      "dir-name": "context",
      "exclude-patterns": ["ignored.secret", "*.nothing"],
    });
    await receiveDirectory(asServerCall(upload), uploaded);
    upload.end();
    assert.deepEqual(await upload.status, { code: 0, message: "" });

    const expected = await describeTree(source, { dirTimes: true });
    assert.ok(expected.delete("ignored.secret"));
    assert.ok(expected.size > 300);
    assertSameTree(await describeTree(uploaded, { dirTimes: true }), expected);

    // The daemon's side of a local export: it sends, we receive.
    const exporting = session.call("/moby.filesync.v1.FileSend/DiffCopy", { "buildkit-attachable-exporter-id": "0" });
    await sendDirectory(asServerCall(exporting), uploaded, {});
    exporting.end();
    assert.deepEqual(await exporting.status, { code: 0, message: "" });
    assertSameTree(await describeTree(exported, { dirTimes: true }), expected);
  } finally {
    await session.close();
  }
});

test("include patterns arrive exactly, even with commas in file names", async () => {
  const source = await temp("commas");
  await writeFile(join(source, "a,b.txt"), "comma");
  await writeFile(join(source, "a"), "a");
  await writeFile(join(source, "b.txt"), "b");
  await writeFile(join(source, "ünïcode.txt"), "u");
  const received = await temp("commas-received");
  const session = startSession([fileSyncService(new Map([["context", source]]))]);
  try {
    // BuildKit query-escapes non-ASCII values and flags the key with "-encoded".
    const call = session.call("/moby.filesync.v1.FileSync/DiffCopy", {
      "dir-name": "context",
      "include-patterns": ["a,b.txt", encodeURIComponent("ünïcode.txt")],
      "include-patterns-encoded": "1",
    });
    await receiveDirectory(asServerCall(call), received);
    call.end();
    assert.equal((await call.status).code, 0);
    assert.deepEqual([...(await describeTree(received)).keys()], ["a,b.txt", "ünïcode.txt"]);
  } finally {
    await session.close();
  }
});

test("asking for an unregistered directory is refused with its name", async () => {
  const session = startSession([fileSyncService(new Map())]);
  try {
    const call = session.call("/moby.filesync.v1.FileSync/DiffCopy", { "dir-name": "secret-place" });
    call.end();
    for await (const _ of call.messages());
    assert.deepEqual(await call.status, { code: 5, message: 'no access allowed to dir "secret-place"' });
  } finally {
    await session.close();
  }
});
