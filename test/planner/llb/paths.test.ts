import { test } from "node:test";
import assert from "node:assert/strict";
import { cleanPath, joinPath, resolvePath } from "../../../src/planner/llb/paths.js";
import { normalizeImageRef } from "../../../src/planner/llb/reference.js";

test("paths are cleaned like Go's path.Clean", () => {
  const cases: Array<[string, string]> = [
    ["", "."],
    ["/", "/"],
    ["a/b/../c", "a/c"],
    ["/../x", "/x"],
    ["../../x", "../../x"],
    ["//a//b/./", "/a/b"],
  ];
  for (const [input, want] of cases) assert.equal(cleanPath(input), want, input);
  assert.equal(joinPath("/", "work", "../src"), "/src");
});

test("file op paths resolve against the directory and keep a trailing slash", () => {
  const cases: Array<[string, string, boolean, string]> = [
    ["/work", "out", false, "/work/out"],
    ["/work", "out/", true, "/work/out/"],
    ["/work", "out/", false, "/work/out"],
    ["/work", ".", true, "/work"],
    ["/work", "./", true, "/work/"],
    ["/work", "sub/.", true, "/work/sub/."],
    ["/", "/abs/x", true, "/abs/x"],
    ["/", "/.", true, "/."],
  ];
  for (const [parent, p, keep, want] of cases) assert.equal(resolvePath(parent, p, keep), want, `${parent} ${p}`);
});

test("image references are normalised as Docker does", () => {
  const cases: Array<[string, string]> = [
    ["busybox", "docker.io/library/busybox:latest"],
    ["busybox:1.36", "docker.io/library/busybox:1.36"],
    ["ebuild-fixture/busybox:latest", "docker.io/ebuild-fixture/busybox:latest"],
    ["localhost:5000/app", "localhost:5000/app:latest"],
    ["registry.local/team/app:v1", "registry.local/team/app:v1"],
    [`app@sha256:${"a".repeat(64)}`, `docker.io/library/app@sha256:${"a".repeat(64)}`],
    [`app:v1@sha256:${"b".repeat(64)}`, `docker.io/library/app:v1@sha256:${"b".repeat(64)}`],
  ];
  for (const [input, want] of cases) assert.equal(normalizeImageRef(input), want, input);
  for (const bad of ["", "Busybox", "app:", "a b", "app@sha256"]) {
    assert.throws(() => normalizeImageRef(bad), /invalid image reference/, bad);
  }
});
