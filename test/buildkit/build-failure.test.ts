import assert from "node:assert/strict";
import { test } from "node:test";
import { create, toBinary } from "@bufbuild/protobuf";
import { decodeBuildFailure } from "../../src/buildkit/build-failure.js";
import { ErrorStatusSchema } from "../../src/gen/moby/buildkit/v1/errors_pb.js";

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const status = (details: Array<{ typeUrl: string; value: Uint8Array }>) => toBinary(ErrorStatusSchema, create(ErrorStatusSchema, { code: 2, message: "failed", details }));

test("the failing vertex and its source ranges are read from BuildKit's JSON details", () => {
  const failure = decodeBuildFailure(
    status([
      { typeUrl: "github.com/moby/buildkit/stack.Stack+json", value: json({ frames: [] }) },
      { typeUrl: "github.com/moby/buildkit/errdefs.Source+json", value: json({ info: { filename: "Buildfile" }, ranges: [{ start: { line: 7, character: 5 }, end: { line: 7 } }] }) },
      { typeUrl: "github.com/moby/buildkit/errdefs.Vertex+json", value: json({ digest: "sha256:abc" }) },
    ]),
  );
  assert.equal(failure?.vertexDigest, "sha256:abc");
  assert.deepEqual(failure?.sources, [{ filename: "Buildfile", ranges: [{ start: { line: 7, character: 5 }, end: { line: 7, character: 0 } }] }]);
  assert.equal(failure?.detailTypes.length, 3);
});

const unreadable: Array<[string, Uint8Array | undefined]> = [
  ["no details", undefined],
  ["empty details", new Uint8Array()],
  ["bytes that are not a status", new Uint8Array([0xff, 0xff, 0xff])],
];
for (const [name, bytes] of unreadable) {
  test(`${name}: no failure details`, () => assert.equal(decodeBuildFailure(bytes), undefined));
}

test("a detail with broken JSON or an unknown type is skipped, not fatal", () => {
  const failure = decodeBuildFailure(
    status([
      { typeUrl: "github.com/moby/buildkit/errdefs.Vertex+json", value: new TextEncoder().encode("{not json") },
      { typeUrl: "type.googleapis.com/some.Other", value: new Uint8Array([1]) },
    ]),
  );
  assert.deepEqual(failure, { vertexDigest: undefined, sources: [], detailTypes: ["github.com/moby/buildkit/errdefs.Vertex+json", "type.googleapis.com/some.Other"] });
});
