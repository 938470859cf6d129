import { test } from "node:test";
import assert from "node:assert/strict";
import type { FileAction as FileActionMessage, FileOp } from "../../../src/gen/pb/ops_pb.js";
import { constantCopyTime, copy, image, local, mkdir, mkfile, rm, scratch } from "../../../src/planner/llb/index.js";
import { decode } from "./decode.js";

const base = image("busybox").dir("/app");
const context = local("context").dir("/src");

function actionsOf(d: ReturnType<typeof decode>): FileActionMessage[] {
  assert.equal(d.root.op.case, "file");
  assert.equal(d.root.platform, undefined, "file ops are not platform specific");
  return (d.root.op.value as FileOp).actions;
}

test("one copy: paths resolve against each state's directory", () => {
  const cases = [
    { src: "main.go", dest: ".", wantSrc: "/src/main.go", wantDest: "/app" },
    { src: "main.go", dest: "./", wantSrc: "/src/main.go", wantDest: "/app/" },
    { src: "/abs/x", dest: "bin/", wantSrc: "/abs/x", wantDest: "/app/bin/" },
    { src: "./dir/../y", dest: "/out", wantSrc: "/src/y", wantDest: "/out" },
  ];
  for (const c of cases) {
    const [action] = actionsOf(decode(base.file(copy(context, c.src, c.dest))));
    assert.equal(action!.action.case, "copy");
    const cp = action!.action.value as { src: string; dest: string; mode: number; timestamp: bigint };
    assert.equal(cp.src, c.wantSrc, c.src);
    assert.equal(cp.dest, c.wantDest, c.dest);
    assert.equal(cp.mode, -1, "mode unset");
    assert.equal(cp.timestamp, -1n, "timestamp unset");
    assert.deepEqual([action!.input, action!.secondaryInput, action!.output], [0n, 1n, 0n]);
  }
});

test("copy options reach the wire", () => {
  const d = decode(
    base.file(
      copy(context, "*.txt", "docs/", {
        followSymlinks: true,
        copyDirContentsOnly: true,
        attemptUnpack: true,
        createDestPath: true,
        allowWildcard: true,
        allowEmptyWildcard: true,
        mode: 0o640,
        chown: { user: "app", group: 1000 },
        timestamp: constantCopyTime,
        includePatterns: ["a/**"],
        excludePatterns: ["a/tmp"],
      }),
    ),
  );
  const [action] = actionsOf(d);
  const cp = action!.action.value as Record<string, unknown> & { owner: { user: { user: { case: string; value: unknown } }; group: { user: { case: string; value: unknown } } } };
  assert.equal(cp.followSymlink, true);
  assert.equal(cp.dirCopyContents, true);
  assert.equal(cp.attemptUnpackDockerCompatibility, true);
  assert.equal(cp.createDestPath, true);
  assert.equal(cp.allowWildcard, true);
  assert.equal(cp.allowEmptyWildcard, true);
  assert.equal(cp.mode, 0o640);
  assert.equal(cp.timestamp, 1587038400000000000n, "2020-04-16T12:00:00Z in nanoseconds");
  assert.deepEqual(cp.includePatterns, ["a/**"]);
  assert.deepEqual(cp.excludePatterns, ["a/tmp"]);
  assert.equal(cp.owner.user.user.case, "byName");
  assert.equal((cp.owner.user.user.value as { name: string; input: bigint }).name, "app");
  assert.equal((cp.owner.user.user.value as { name: string; input: bigint }).input, 0n, "names resolve in the base");
  assert.deepEqual([cp.owner.group.user.case, cp.owner.group.user.value], ["byId", 1000]);
  assert.ok(Object.keys(d.rootMetadata.caps).includes("file.copy.includeexcludepatterns"));
});

test("a chain is one FileOp: later actions read the result of the one before", () => {
  const other = image("alpine");
  const d = decode(
    base.file(
      copy(context, "a", "a")
        .mkdir("out", 0o755, { parents: true, chown: { user: 1, group: 2 } })
        .copy(other, "/etc/os-release", "out/")
        .mkfile("out/hello", 0o644, "hi\n", { timestamp: constantCopyTime })
        .copy(context, "b", "b")
        .rm("a", { allowNotFound: true, allowWildcard: true }),
    ),
  );
  const actions = actionsOf(d);
  // inputs: 0 base, 1 context, 2 other; results of actions 0..4 are 3..7.
  assert.equal(d.root.inputs.length, 3);
  const wiring = actions.map((a) => [a.action.case, Number(a.input), Number(a.secondaryInput), Number(a.output)]);
  assert.deepEqual(wiring, [
    ["copy", 0, 1, -1],
    ["mkdir", 3, -1, -1],
    ["copy", 4, 2, -1],
    ["mkfile", 5, -1, -1],
    ["copy", 6, 1, -1],
    ["rm", 7, -1, 0],
  ]);
  const mk = actions[1]!.action.value as { path: string; mode: number; makeParents: boolean };
  assert.deepEqual([mk.path, mk.mode, mk.makeParents], ["/app/out", 0o755, true]);
  const mf = actions[3]!.action.value as { path: string; data: Uint8Array; timestamp: bigint };
  assert.equal(mf.path, "/app/out/hello");
  assert.equal(new TextDecoder().decode(mf.data), "hi\n");
  assert.equal(mf.timestamp, 1587038400000000000n);
  const r = actions[5]!.action.value as { path: string; allowNotFound: boolean; allowWildcard: boolean };
  assert.deepEqual([r.path, r.allowNotFound, r.allowWildcard], ["/app/a", true, true]);
});

test("file actions on scratch have no base input", () => {
  const actions = actionsOf(decode(scratch().file(mkfile("/f", 0o600, "x").mkdir("/d", 0o700))));
  assert.deepEqual(
    actions.map((a) => [Number(a.input), Number(a.output)]),
    [[-1, -1], [0, 0]],
  );
});

test("rm and mkdir alone", () => {
  const [a] = actionsOf(decode(base.file(rm("/tmp/x"))));
  assert.equal(a!.action.case, "rm");
  const [b] = actionsOf(decode(base.file(mkdir("/d", 0o755))));
  assert.equal((b!.action.value as { makeParents: boolean }).makeParents, false);
});
