/**
 * Ops are written by hand (src/planner/llb/wire.ts), not by protobuf-es: these tests check that the
 * bytes are exactly what protobuf-es writes for the same message, for every op kind and field.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import {
  CacheOptSchema,
  CacheSharingOpt,
  DefinitionSchema,
  ExecOpSchema,
  FileActionCopySchema,
  FileActionSchema,
  FileOpSchema,
  InputSchema,
  MetaSchema,
  MountSchema,
  MountType,
  NetMode,
  OpSchema,
  PlatformSchema,
  SecurityMode,
  WorkerConstraintsSchema,
  ChownOptSchema,
  UserOptSchema,
  NamedUserOptSchema,
} from "../../../src/gen/pb/ops_pb.js";
import {
  constantCopyTime,
  copy,
  diff,
  git,
  http,
  image,
  local,
  marshal,
  merge,
  mkdir,
  rm,
  scratch,
  type State,
} from "../../../src/planner/llb/index.js";
import { WireWriter } from "../../../src/planner/llb/wire.js";

/** Every op of a marshalled state, as written. */
function opsOf(state: State): Uint8Array[] {
  return fromBinary(DefinitionSchema, marshal(state, { platform: { os: "linux", architecture: "arm", variant: "v7" } }).definition).def;
}

/** protobuf-es's own bytes for the message our bytes decode to. */
function reencoded(bytes: Uint8Array): Uint8Array {
  return toBinary(OpSchema, fromBinary(OpSchema, bytes));
}

const base = image("ebuild-fixture/busybox:latest", { resolveMode: "pull", workerConstraints: ["node==a", ""] })
  .env("A", "é ünïcode ✓")
  .env("EMPTY", "")
  .dir("/work");

// One state per op kind and flag family; together they set every field the writer knows.
const cases: Record<string, State> = {
  "exec with every mount kind, secrets, network, security, proxy and hosts": base
    .addExtraHost("registry.test", "10.0.0.1")
    .hostname("builder")
    .user("1000:1000")
    .run({
      args: ["/bin/sh", "-c", "make", ""],
      env: { X: "1", LONG: "x".repeat(300) },
      cwd: "sub",
      mounts: [
        { type: "bind", target: "/src", from: local("context", { includePatterns: ["a", "b"], excludePatterns: ["c"] }), readonly: true, selector: "/a" },
        { type: "bind", target: "/out", from: scratch() },
        { type: "cache", target: "/cache", id: "go", sharing: "locked" },
        { type: "cache", target: "/cache2", id: "npm", from: base, selector: "/root" },
        { type: "tmpfs", target: "/tmp", size: 1 << 20 },
        { type: "tmpfs", target: "/tmp2" },
        { type: "secret", target: "/run/secrets/token", id: "token", uid: 1, gid: 2, mode: 0o440, optional: true },
        { type: "ssh", target: "/run/ssh", optional: true },
      ],
      secretEnv: [{ id: "token", name: "TOKEN", optional: true }, { id: "other", name: "OTHER" }],
      network: "none",
      security: "insecure",
      proxyEnv: { httpProxy: "http://proxy", noProxy: "localhost" },
      ignoreCache: true,
      description: "RUN make",
      platform: { os: "linux", architecture: "arm64", variant: "v8", osVersion: "10" },
    })
    .root(),
  "exec with an empty proxy env and host networking": base.network("host").run({ args: "true", proxyEnv: {} }).root(),
  "file actions of every kind, owners by name and id": base.file(
    mkdir("/a", 0o700, { parents: true, chown: { user: "app", group: 0 }, timestamp: constantCopyTime })
      .mkfile("b.txt", 0o644, "hello ✓", { chown: { user: 0, group: "0" } })
      .mkfile("empty", 0, "")
      .copy(local("context"), "src/*.go", "dst/", {
        followSymlinks: true,
        copyDirContentsOnly: true,
        attemptUnpack: true,
        createDestPath: true,
        allowWildcard: true,
        allowEmptyWildcard: true,
        mode: 0o755,
        chown: { user: 1000 },
        timestamp: new Date(Date.UTC(1969, 0, 1)),
        includePatterns: ["*.go", ""],
        excludePatterns: ["*_test.go"],
      })
      .copy(base, "/etc/passwd", "/etc/passwd")
      .rm("/tmp/*", { allowNotFound: true, allowWildcard: true })
      .rm("/x"),
  ),
  "a copy from scratch onto scratch": scratch().file(copy(scratch(), "/a", "/b")),
  "git and http sources": merge([
    git("https://example.test/repo.git", "v1", { keepGitDir: true, authTokenSecret: "T" }),
    http("https://example.test/file", { checksum: "sha256:00", filename: "f", chmod: 0o755, uid: 1, gid: 2 }),
    local("ctx", { sessionId: "s", followPaths: ["a"], sharedKeyHint: "k" }),
  ]),
  "merge of repeated layers and diffs with and without an upper": merge([
    base,
    base,
    diff(base, base.file(mkdir("/d", 0o755))),
    diff(base.file(rm("/a")), scratch()),
  ]),
};

for (const [name, state] of Object.entries(cases)) {
  test(`written ops are protobuf-es's bytes: ${name}`, () => {
    const ops = opsOf(state);
    assert.ok(ops.length > 0);
    for (const op of ops) assert.deepEqual(op, reencoded(op));
  });
}

test("an exec op is byte for byte the message protobuf-es builds for it", () => {
  const context = local("context", { includePatterns: ["src"] });
  const state = image("busybox")
    .dir("/w")
    .run({ args: "make", mounts: [{ type: "bind", target: "/src", from: context, readonly: true }, { type: "cache", target: "/c", id: "c" }] })
    .root();
  const m = marshal(state);
  const written = fromBinary(DefinitionSchema, m.definition).def[m.digests.indexOf(m.rootDigest)]!;
  // Inputs come in mount order (/, /c, /src): the image, the cache mount's empty directory, the context.
  const [imageDigest, cacheDirDigest, contextDigest] = m.digests;
  const expected = create(OpSchema, {
    inputs: [imageDigest!, cacheDirDigest!, contextDigest!].map((digest) => create(InputSchema, { digest, index: 0n })),
    op: {
      case: "exec",
      value: create(ExecOpSchema, {
        meta: create(MetaSchema, {
          args: ["/bin/sh", "-c", "make"],
          env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
          cwd: "/w",
          removeMountStubsRecursive: true,
        }),
        mounts: [
          create(MountSchema, { input: 0n, dest: "/", output: 0n, mountType: MountType.BIND }),
          create(MountSchema, {
            input: 1n,
            dest: "/c",
            output: -1n,
            selector: "/cache",
            mountType: MountType.CACHE,
            cacheOpt: create(CacheOptSchema, { id: "c", sharing: CacheSharingOpt.SHARED }),
          }),
          create(MountSchema, { input: 2n, dest: "/src", output: -1n, readonly: true, mountType: MountType.BIND }),
        ],
        network: NetMode.SANDBOX,
        security: SecurityMode.SANDBOX,
      }),
    },
    platform: create(PlatformSchema, { os: "linux", architecture: "amd64" }),
    constraints: create(WorkerConstraintsSchema, {}),
  });
  assert.deepEqual(written, toBinary(OpSchema, expected));
  assert.deepEqual(m.digests.slice(0, 3), [
    marshal(image("busybox")).rootDigest,
    m.digests[1],
    marshal(context).rootDigest,
  ]);
});

test("a file op is byte for byte the message protobuf-es builds for it", () => {
  const state = scratch().file(copy(image("busybox"), "/bin/sh", "/sh", { chown: { user: "root", group: 7 }, timestamp: constantCopyTime, mode: 0o700 }));
  const m = marshal(state);
  const written = fromBinary(DefinitionSchema, m.definition).def[m.digests.indexOf(m.rootDigest)]!;
  const expected = create(OpSchema, {
    inputs: [create(InputSchema, { digest: m.digests[0]!, index: 0n })],
    op: {
      case: "file",
      value: create(FileOpSchema, {
        actions: [
          create(FileActionSchema, {
            input: -1n,
            secondaryInput: 0n,
            output: 0n,
            action: {
              case: "copy",
              value: create(FileActionCopySchema, {
                src: "/bin/sh",
                dest: "/sh",
                mode: 0o700,
                timestamp: BigInt(constantCopyTime.getTime()) * 1_000_000n,
                owner: create(ChownOptSchema, {
                  user: create(UserOptSchema, { user: { case: "byName", value: create(NamedUserOptSchema, { name: "root", input: -1n }) } }),
                  group: create(UserOptSchema, { user: { case: "byId", value: 7 } }),
                }),
              }),
            },
          }),
        ],
      }),
    },
    constraints: create(WorkerConstraintsSchema, {}),
  });
  assert.deepEqual(written, toBinary(OpSchema, expected));
});

test("the writer grows, and moves long messages to fit their length", () => {
  const w = new WireWriter();
  const long = "y".repeat(70_000);
  const wide = "ü".repeat(200);
  w.begin(1).begin(2).string(3, long).string(4, wide).end().int(5, -1).int(6, 2 ** 40).end();
  const reference = new BinaryWriter();
  reference.tag(1, WireType.LengthDelimited).fork();
  reference.tag(2, WireType.LengthDelimited).fork().tag(3, WireType.LengthDelimited).string(long).tag(4, WireType.LengthDelimited).string(wide).join();
  reference.tag(5, WireType.Varint).int64(-1).tag(6, WireType.Varint).int64(2 ** 40).join();
  assert.deepEqual(w.take(), reference.finish());
  assert.deepEqual(w.take(), new Uint8Array(0));
});

test("messages taken one after another keep their bytes while later ones fill and outgrow the shared chunk", () => {
  const w = new WireWriter();
  const message = (i: number) => {
    // Nested messages whose lengths need two-byte varints, of sizes that end across chunk borders.
    const text = `m${i}`.padEnd(150 + ((i * 37) % 300), "x");
    w.begin(1).begin(2).string(3, text).end().int(4, i).end();
    const reference = new BinaryWriter();
    reference.tag(1, WireType.LengthDelimited).fork();
    reference.tag(2, WireType.LengthDelimited).fork().tag(3, WireType.LengthDelimited).string(text).join();
    reference.tag(4, WireType.Varint).int32(i).join();
    return reference.finish();
  };
  const taken: Array<[Uint8Array, Uint8Array]> = [];
  for (let i = 1; i < 2_000; i++) {
    const expected = message(i);
    taken.push([w.take(), expected]);
  }
  for (const [bytes, expected] of taken) assert.deepEqual(bytes, expected);
});

test("a message whose length outgrows its placeholder at the very end of the chunk moves whole", () => {
  const w = new WireWriter();
  // 1 + 3 + 65,327 bytes leave exactly 205 of the first 64 KiB chunk: the next message fills them
  // with its bytes field, and its length (203) then needs a second byte that is not there.
  const filler = "a".repeat(65_327);
  w.string(1, filler);
  const first = w.take();
  const data = new Uint8Array(200).map((_, i) => i);
  w.begin(1).bytes(2, data).end();
  const second = w.take();
  const reference = new BinaryWriter();
  reference.tag(1, WireType.LengthDelimited).fork().tag(2, WireType.LengthDelimited).bytes(data).join();
  assert.deepEqual(second, reference.finish());
  assert.deepEqual(first, new BinaryWriter().tag(1, WireType.LengthDelimited).string(filler).finish());
});

test("text kept in place is copied into later messages as a bytes field, across chunks and in any script", () => {
  const w = new WireWriter();
  const kept: Array<{ value: string; chunk: Uint8Array; start: number; end: number }> = [];
  // Enough texts to fill several 64 KiB chunks; some are not ASCII (written through TextEncoder).
  for (let i = 0; i < 3_000; i++) {
    const value = i % 7 === 0 ? `sha256:${"ü".repeat(i % 40)}${i}` : `sha256:${String(i).padStart(64, "0")}`;
    w.writeText(value);
    const at = { value, chunk: w.chunk, start: w.messageStart, end: w.position };
    w.keep();
    kept.push(at);
  }
  for (const { value, chunk, start, end } of kept) {
    w.begin(1).bytesFrom(1, chunk, start, end).int(2, 3).end();
    const reference = new BinaryWriter();
    reference.tag(1, WireType.LengthDelimited).fork().tag(1, WireType.LengthDelimited).bytes(new TextEncoder().encode(value)).tag(2, WireType.Varint).int32(3).join();
    assert.deepEqual(w.take(), reference.finish(), value);
  }
});
