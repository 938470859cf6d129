import assert from "node:assert/strict";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { test } from "node:test";
import { opDigest, withoutCache } from "../../src/cli/build/no-cache.js";
import { DefinitionSchema, OpMetadataSchema } from "../../src/gen/pb/ops_pb.js";

const ops = [new Uint8Array([1, 2, 3]), new Uint8Array([4, 5]), new Uint8Array([6])];

test("--no-cache marks every op of a definition to ignore the cache and keeps the ops and other metadata", () => {
  const original = create(DefinitionSchema, {
    def: ops,
    metadata: { [opDigest(ops[1]!)]: create(OpMetadataSchema, { description: { "llb.customname": "RUN make" } }) },
  });
  const decoded = fromBinary(DefinitionSchema, withoutCache(toBinary(DefinitionSchema, original)));
  assert.deepEqual(decoded.def, ops, "op bytes, and so every digest, are unchanged");
  for (const op of ops) assert.equal(decoded.metadata[opDigest(op)]?.ignoreCache, true);
  assert.equal(decoded.metadata[opDigest(ops[1]!)]?.description["llb.customname"], "RUN make");
  assert.equal(Object.keys(decoded.metadata).length, ops.length);
});

test("an op digest is sha256: and the hex hash of the op's bytes", () => {
  assert.equal(opDigest(new Uint8Array()), "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
});
