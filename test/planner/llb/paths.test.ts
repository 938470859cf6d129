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

/** Go's path.Clean the plain way (split, drop, join): what the fast paths must agree with. */
function referenceClean(p: string): string {
  if (p === "") return ".";
  const rooted = p.startsWith("/");
  const out: string[] = [];
  for (const part of p.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!rooted) out.push("..");
      continue;
    }
    out.push(part);
  }
  const joined = out.join("/");
  return rooted ? `/${joined}` : joined === "" ? "." : joined;
}

function* pathsOf(length: number, prefix = ""): Generator<string> {
  if (length === 0) {
    yield prefix;
    return;
  }
  for (const c of ["/", ".", "a"]) yield* pathsOf(length - 1, prefix + c);
}

test("cleanPath and joinPath agree with the plain split-and-join on every path of up to seven characters", () => {
  const paths: string[] = [];
  for (let length = 0; length <= 7; length++) paths.push(...pathsOf(length));
  for (const p of paths) assert.equal(cleanPath(p), referenceClean(p), JSON.stringify(p));
  const short = paths.filter((p) => p.length <= 3);
  for (const a of short) {
    for (const b of short) {
      const expected = [a, b].filter((x) => x !== "").join("/");
      assert.equal(joinPath(a, b), expected === "" ? "" : referenceClean(expected), JSON.stringify([a, b]));
    }
  }
});
