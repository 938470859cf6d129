import assert from "node:assert/strict";
import { test } from "node:test";
import { artifactDestination, parseArtifactRef } from "../../src/cli/build/output-modes.js";
import { parseOutputFlag } from "../../src/cli/build/output-flag.js";
import { EbuildError } from "../../src/errors.js";

const refs: Array<[string, { target: string; path: string }]> = [
  ["+build/dist", { target: "+build", path: "dist" }],
  ["./lib+build/out/a.txt", { target: "./lib+build", path: "out/a.txt" }],
  ["+build/*", { target: "+build", path: "*" }],
];
for (const [spec, expected] of refs) test(`-a ${spec} names ${expected.path} of ${expected.target}`, () => assert.deepEqual(parseArtifactRef(spec), expected));

for (const bad of ["+build", "+build/", "dist"]) {
  test(`-a ${bad} is a usage error`, () => assert.throws(() => parseArtifactRef(bad), (e: unknown) => e instanceof EbuildError && e.kind === "usage"));
}

const destinations: Array<[string, string | undefined, string]> = [
  ["dist/a.txt", undefined, "a.txt"],
  ["dist/a.txt", "out/", "out/a.txt"],
  ["dist/a.txt", "out/b.txt", "out/b.txt"],
  ["dist", "into/", "into/dist"],
  ["*", undefined, "."],
  ["dist/*", "all", "all"],
];
for (const [path, dest, expected] of destinations) {
  test(`-a +t/${path} ${dest ?? ""} writes ${expected}`, () => assert.equal(artifactDestination(path, dest), expected));
}

test("--output type=tar,dest=FILE is an image file; other types and missing dest are usage errors", () => {
  assert.deepEqual(parseOutputFlag("type=tar,dest=out/img.tar"), { type: "tar", dest: "out/img.tar" });
  for (const bad of ["type=local,dest=x", "type=tar", "dest=x", "tar"]) {
    assert.throws(() => parseOutputFlag(bad), (e: unknown) => e instanceof EbuildError && e.kind === "usage", bad);
  }
});
