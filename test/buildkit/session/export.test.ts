import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, readdir, symlink, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { PassThrough } from "node:stream";
import { createWriteStream } from "node:fs";
import { create, fromBinary, toBinary, type MessageInitShape } from "@bufbuild/protobuf";
import { PacketSchema, Packet_PacketType } from "../../../src/gen/fsutil/types/wire_pb.js";
import { BytesMessageSchema } from "../../../src/gen/moby/filesync/v1/filesync_pb.js";
import { fileSendService, streamTarget, type ExportTarget } from "../../../src/buildkit/session/index.js";
import { GoMode } from "../../../src/buildkit/session/file-mode.js";
import { startSession } from "./grpc-client.js";

const temp = (name: string) => mkdtemp(join(tmpdir(), `ebuild-${name}-`));
const fileSend = "/moby.filesync.v1.FileSend/DiffCopy";
const packet = (init: MessageInitShape<typeof PacketSchema>) => toBinary(PacketSchema, create(PacketSchema, init));
const dir = (path: string) => packet({ type: Packet_PacketType.PACKET_STAT, stat: { path, mode: (GoMode.dir | 0o755) >>> 0 } });
const file = (path: string, linkname = "") => packet({ type: Packet_PacketType.PACKET_STAT, stat: { path, mode: 0o644, linkname } });
const link = (path: string, target: string) =>
  packet({ type: Packet_PacketType.PACKET_STAT, stat: { path, mode: (GoMode.symlink | 0o777) >>> 0, linkname: target } });

test("an archive exporter's stream is written to the target its exporter id names", async () => {
  const out = await temp("archive");
  const seen: Record<string, string>[] = [];
  const piped = new PassThrough();
  const collected: Buffer[] = [];
  piped.on("data", (chunk: Buffer) => collected.push(chunk));
  const targets = new Map<number, ExportTarget>([
    [0, { kind: "directory", path: join(out, "unused") }],
    [
      1,
      {
        kind: "file",
        open: (metadata) => {
          seen.push(metadata);
          return createWriteStream(join(out, "image.tar"));
        },
      },
    ],
    [2, streamTarget(piped)],
  ]);
  const session = startSession([fileSendService(targets)]);
  try {
    const archive = randomBytes(3 * 1024 * 1024 + 5);
    const call = session.call(fileSend, { "buildkit-attachable-exporter-id": "1", "exporter-md-containerimage.digest": "sha256:abc" });
    for (let at = 0; at < archive.length; at += 1 << 20) call.send(toBinary(BytesMessageSchema, create(BytesMessageSchema, { data: archive.subarray(at, at + (1 << 20)) })));
    call.end();
    assert.deepEqual(await call.status, { code: 0, message: "" });
    assert.deepEqual(seen, [{ "containerimage.digest": "sha256:abc" }]);
    assert.ok((await readFile(join(out, "image.tar"))).equals(archive));
    assert.deepEqual(await readdir(out), ["image.tar"]);

    const toStream = session.call(fileSend, { "buildkit-attachable-exporter-id": "2" });
    toStream.send(toBinary(BytesMessageSchema, create(BytesMessageSchema, { data: Buffer.from("tar bytes") })));
    toStream.end();
    assert.equal((await toStream.status).code, 0);
    assert.equal(Buffer.concat(collected).toString(), "tar bytes");
    assert.ok(piped.writableEnded);

    const unknown = session.call(fileSend, { "buildkit-attachable-exporter-id": "7" });
    unknown.end();
    assert.deepEqual(await unknown.status, { code: 5, message: "exporter 7 not found" });
  } finally {
    await session.close();
  }
});

test("a target that refuses answers AlreadyExists", async () => {
  const session = startSession([fileSendService(new Map([[0, { kind: "file", open: () => undefined }]]))]);
  try {
    const call = session.call(fileSend);
    call.end();
    assert.deepEqual(await call.status, { code: 6, message: "target already exists" });
  } finally {
    await session.close();
  }
});

test("an export cannot write outside its folder", async () => {
  const cases: [string, Uint8Array[], RegExp][] = [
    ["parent reference", [file("../escaped")], /leave the destination folder/],
    ["parent reference inside a path", [dir("a"), file("a/../../escaped")], /leave the destination folder/],
    ["absolute path", [file("/tmp/escaped")], /not a relative path/],
    ["write through a symlink", [link("l", "/tmp"), file("l/escaped")], /parent directory was not part of the transfer/],
    ["replace a checked directory by a link", [dir("d"), link("d", "/tmp"), file("d/escaped")], /out of order or repeated/],
    ["hard link to a file outside", [file("h", "../../etc/passwd")], /leave the destination folder/],
    ["hard link to an unknown file", [file("h", "nothing")], /not a file of the transfer/],
  ];
  for (const [name, packets, expected] of cases) {
    const outside = await temp("outside");
    const dest = join(outside, "dest");
    await mkdir(dest);
    // A link planted in the folder beforehand must not be followed either.
    await symlink(outside, join(dest, "planted"));
    const session = startSession([fileSendService(new Map([[0, { kind: "directory", path: dest }]]))]);
    try {
      const call = session.call(fileSend);
      for (const p of packets) call.send(p);
      call.send(packet({ type: Packet_PacketType.PACKET_STAT }));
      const replies = [];
      for await (const reply of call.messages()) replies.push(fromBinary(PacketSchema, reply));
      const status = await call.status;
      assert.equal(status.code, 7, `${name}: ${status.message}`);
      assert.match(status.message, expected, name);
      assert.equal(replies.at(-1)?.type, Packet_PacketType.PACKET_ERR, name);
      assert.deepEqual((await readdir(outside)).sort(), ["dest"], name);
    } finally {
      await session.close();
    }
  }
  const plantedCase = await temp("outside");
  const dest = join(plantedCase, "dest");
  await mkdir(dest);
  await symlink(plantedCase, join(dest, "planted"));
  const session = startSession([fileSendService(new Map([[0, { kind: "directory", path: dest }]]))]);
  try {
    const call = session.call(fileSend);
    call.send(file("planted/escaped"));
    call.end();
    for await (const _ of call.messages());
    assert.equal((await call.status).code, 7);
    assert.deepEqual(await readdir(plantedCase), ["dest"]);
  } finally {
    await session.close();
  }
});
