import assert from "node:assert/strict";
import { test } from "node:test";
import { withDefaultTag } from "../../src/buildkit/image-config.js";

const tagCases: Array<[string, string]> = [
  ["busybox", "busybox:latest"],
  ["ebuild-fixture/busybox", "ebuild-fixture/busybox:latest"],
  ["localhost:5000/app", "localhost:5000/app:latest"],
  ["localhost:5000/app:1.2", "localhost:5000/app:1.2"],
  ["alpine@sha256:abc", "alpine@sha256:abc"],
];
for (const [ref, expected] of tagCases) {
  test(`image reference ${ref} resolves as ${expected}`, () => assert.equal(withDefaultTag(ref), expected));
}
