import assert from "node:assert/strict";
import { test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { parseDuration, parseSize, pruneReport } from "../../src/cli/commands/prune.js";
import { EbuildError } from "../../src/errors.js";
import { UsageRecordSchema } from "../../src/gen/moby/buildkit/v1/control_pb.js";

const durations: Array<[string, number]> = [
  ["90s", 90],
  ["24h", 86_400],
  ["1h30m", 5_400],
  ["7d", 604_800],
  ["2w", 1_209_600],
  ["500ms", 0.5],
];
for (const [text, seconds] of durations) test(`--keep-duration ${text} is ${seconds}s`, () => assert.equal(parseDuration(text), seconds));

const sizes: Array<[string, number]> = [
  ["1000", 1000],
  ["10GB", 10e9],
  ["512MiB", 512 * 1024 ** 2],
  ["2g", 2 * 1024 ** 3],
  ["1.5 kB", 1500],
];
for (const [text, bytes] of sizes) test(`--keep-storage ${text} is ${bytes} bytes`, () => assert.equal(parseSize(text), bytes));

for (const [parse, text] of [
  [parseDuration, "soon"],
  [parseDuration, "10"],
  [parseDuration, "1h and 5m"],
  [parseSize, "big"],
  [parseSize, "10XB"],
  [parseSize, "-5GB"],
] as const) {
  test(`"${text}" is refused as a usage error`, () => {
    assert.throws(() => parse(text), (error) => error instanceof EbuildError && error.kind === "usage");
  });
}

test("prune reports the bytes and entries it freed", () => {
  const records = [1_200_000, 34_000].map((size, i) => create(UsageRecordSchema, { id: `r${i}`, size: BigInt(size) }));
  assert.equal(pruneReport(records), "Freed 1.2 MB (2 cache entries)");
  assert.equal(pruneReport(records.slice(1)), "Freed 34.0 kB (1 cache entry)");
  assert.equal(pruneReport([]), "Freed 0 B (0 cache entries)");
});
