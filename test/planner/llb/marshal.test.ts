import { test } from "node:test";
import assert from "node:assert/strict";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { DefinitionSchema, type DiffOp, type MergeOp } from "../../../src/gen/pb/ops_pb.js";
import { copy, diff, digestOf, image, local, marshal, merge, outputDigests, scratch, SourceMap } from "../../../src/planner/llb/index.js";
import { decode } from "./decode.js";

test("ops come parents first, each once, with the terminal op last", () => {
  const base = image("busybox");
  // Two separately built but identical RUNs are one op.
  const a = base.run({ args: ["echo", "same"] }).root();
  const b = base.run({ args: ["echo", "same"] }).root();
  const d = decode(merge([a, b, base.run({ args: ["echo", "other"] }).root()]));
  assert.deepEqual(
    d.ops.map((op) => op.op.case ?? "terminal"),
    ["source", "exec", "exec", "merge", "terminal"],
  );
  const seen = new Set<string>();
  d.ops.forEach((op, i) => {
    for (const input of op.inputs) assert.ok(seen.has(input.digest), `op ${i} reads an op defined before it`);
    seen.add(d.digests[i]!);
  });
  assert.equal(new Set(d.digests).size, d.digests.length, "no duplicate ops");
  const terminal = d.ops[d.ops.length - 1]!;
  assert.equal(terminal.inputs.length, 1);
  assert.equal(terminal.op.case, undefined);
  assert.equal(terminal.inputs[0]!.digest, d.digests[d.digests.length - 2]);
});

test("every digest is the sha256 of the op bytes and keys the metadata", () => {
  const m = marshal(image("busybox").run({ args: "true", description: "x" }).root());
  const def = fromBinary(DefinitionSchema, m.definition);
  assert.deepEqual(def.def.map(digestOf), m.digests);
  assert.deepEqual(Object.keys(def.metadata).sort(), [...m.digests].sort());
});

test("marshalling is deterministic and a state's digest ignores unrelated states", () => {
  const build = (tag: string) => {
    const ctx = local("context", { includePatterns: ["b", "a"], excludePatterns: ["z"] });
    const shared = image("busybox").env("K", "v").file(copy(ctx, "a", "/a"));
    const unrelated = image(`alpine:${tag}`).run({ args: "true" }).root();
    return { shared, both: merge([shared, unrelated]) };
  };
  const first = build("1");
  const again = build("1");
  const changed = build("2");
  assert.deepEqual(marshal(first.shared).definition, marshal(again.shared).definition);
  assert.deepEqual(marshal(first.both).definition, marshal(again.both).definition);
  assert.equal(marshal(first.shared).rootDigest, marshal(changed.shared).rootDigest);
  assert.notEqual(marshal(first.both).rootDigest, marshal(changed.both).rootDigest);
  const sharedDigest = marshal(first.shared).rootDigest;
  assert.ok(marshal(changed.both).digests.includes(sharedDigest));
});

test("several states share one definition and each names its op", () => {
  const base = image("busybox");
  const x = base.run({ args: ["x"] }).root();
  const y = base.run({ args: ["y"] }).root();
  const m = marshal([x, y]);
  assert.equal(m.outputs.length, 2);
  assert.equal(m.outputs[0], marshal(x).rootDigest);
  assert.equal(m.outputs[1], marshal(y).rootDigest);
  assert.equal(m.rootDigest, m.outputs[1]);
  assert.equal(m.digests.length, 4, "image, two RUNs, terminal");
});

test("scratch marshals to an empty definition", () => {
  const m = marshal(scratch());
  assert.deepEqual(m.digests, []);
  assert.equal(m.rootDigest, "");
  assert.equal(fromBinary(DefinitionSchema, m.definition).def.length, 0);
});

test("merge drops scratch layers and keeps each layer as an input", () => {
  const a = image("busybox");
  assert.equal(merge([scratch(), a, scratch()]), a, "one real layer is that layer");
  const d = decode(merge([a, scratch(), a.run({ args: ["x"] }).root()]));
  assert.equal(d.root.op.case, "merge");
  assert.deepEqual((d.root.op.value as MergeOp).inputs.map((i) => Number(i.input)), [0, 1]);
  assert.equal(d.root.platform, undefined);
  assert.ok(Object.keys(d.rootMetadata.caps).includes("mergeop"));
});

test("diff of a state and a later state", () => {
  const lower = image("busybox");
  const upper = lower.run({ args: ["touch", "/x"] }).root();
  const d = decode(diff(lower, upper));
  const op = d.root.op.value as DiffOp;
  assert.equal(d.root.op.case, "diff");
  assert.deepEqual([Number(op.lower?.input), Number(op.upper?.input)], [0, 1]);
  assert.ok(Object.keys(d.rootMetadata.caps).includes("diffop"));
  assert.equal(diff(scratch(), upper), upper, "diff from scratch is the upper state");
  const toScratch = decode(diff(lower, scratch())).root.op.value as DiffOp;
  assert.deepEqual([Number(toScratch.lower?.input), Number(toScratch.upper?.input)], [0, -1], "scratch upper is no input");
});

test("the same source map is carried once even when many ops point into it", () => {
  const a = new SourceMap("Buildfile", "a\nb\n");
  const sameText = new SourceMap("Buildfile", "a\nb\n");
  const r = (line: number) => ({ start: { line, character: 0 }, end: { line, character: 1 } });
  const st = image("busybox", { location: a.at(r(1)) }).run({ args: "b", location: sameText.at(r(2)) }).root();
  const d = decode(st);
  assert.equal(d.definition.source?.infos.length, 1);
  assert.equal(Object.keys(d.definition.source!.locations).length, 2);
});

test("a definition joined from cached parts has the bytes protobuf-es gives the whole message", () => {
  const one = new SourceMap("Buildfile", "a\nb\nc\n", "Buildfile");
  const two = new SourceMap("sub/Buildfile", "x\n", "Buildfile");
  const r = (line: number) => ({ start: { line, character: 0 }, end: { line, character: 1 } });
  const base = image("busybox", { location: one.at(r(1)) });
  // Two identical RUNs from different lines: one op whose locations are merged.
  const x = base.run({ args: "same", description: "d", location: one.at(r(2)) }).root();
  const y = base.run({ args: "same", location: two.at(r(1)) }).root();
  const cases = [[x], [merge([x, y])], [y, x], [base.run({ args: "other", ignoreCache: true, location: one.at(r(3)) }).root()]];
  for (const states of cases) {
    for (let pass = 0; pass < 2; pass++) {
      const m = marshal(states);
      assert.deepEqual(toBinary(DefinitionSchema, fromBinary(DefinitionSchema, m.definition)), m.definition);
    }
  }
});

test("outputDigests names the same ops as marshal's outputs", () => {
  const base = image("busybox");
  const states = [base, scratch(), base.run({ args: "a" }).root(), merge([base.run({ args: "b" }).root(), base])];
  assert.deepEqual(outputDigests(states), marshal(states).outputs);
  assert.notEqual(outputDigests([states[2]!])[0], "");
});
