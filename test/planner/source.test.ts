import { test } from "node:test";
import assert from "node:assert/strict";
import { EbuildError } from "../../src/errors.js";
import { directoryOfReference } from "../../src/planner/locate.js";
import { baseName, directoryOf, joinPath, normalizePath, relativePath, staysInside } from "../../src/planner/paths.js";
import { parseReference } from "../../src/planner/reference.js";
import { BuildfileLoader, MemorySourceReader } from "../../src/planner/source.js";

test("paths normalise like POSIX paths", () => {
  const cases: Array<[string, string]> = [
    ["/a/b/../c", "/a/c"],
    ["/a/./b//c/", "/a/b/c"],
    ["/..", "/"],
    ["a/../..", ".."],
    ["", "."],
    ["./x", "x"],
  ];
  for (const [input, expected] of cases) assert.equal(normalizePath(input), expected, input);
  assert.equal(joinPath("/repo/app", "../lib"), "/repo/lib");
  assert.equal(joinPath("/repo/app", "/abs"), "/abs");
  assert.equal(directoryOf("/repo/Buildfile"), "/repo");
  assert.equal(directoryOf("/Buildfile"), "/");
  assert.equal(baseName("/repo/dist/"), "dist");
  assert.equal(relativePath("/repo", "/repo/app/x"), "app/x");
  assert.equal(relativePath("/repo/app", "/repo/lib"), "../lib");
  assert.deepEqual(["out", "a/../b", "../x", "/etc", "a/../../x"].map(staysInside), [true, true, false, false, false]);
});

const parseAsText = (text: string, path: string) => ({ text, path });

test("a directory's Buildfile is preferred over its Earthfile", async () => {
  const reader = new MemorySourceReader({ "/r/Buildfile": "B", "/r/Earthfile": "E", "/r/old/Earthfile": "E2" });
  const loader = new BuildfileLoader(reader, parseAsText);
  assert.deepEqual(await loader.load("/r"), { directory: "/r", path: "/r/Buildfile", text: "B", parsed: { text: "B", path: "/r/Buildfile" } });
  assert.equal((await loader.load("/r/old/")).path, "/r/old/Earthfile");
});

test("each directory is read once per loader, however often and however spelt", async () => {
  const reader = new MemorySourceReader({ "/r/Buildfile": "B" });
  const loader = new BuildfileLoader(reader, parseAsText);
  await Promise.all([loader.load("/r"), loader.load("/r/"), loader.load("/r/x/..")]);
  assert.deepEqual(reader.reads, ["/r/Buildfile"]);
  assert.equal(loader.size, 1);
});

test("a directory without a Buildfile is reported where it was referenced", async () => {
  const loader = new BuildfileLoader(new MemorySourceReader({}), parseAsText);
  const at = { file: "/r/Buildfile", line: 3, column: 11 };
  await assert.rejects(loader.load("/r/nope", at), (err: unknown) => {
    assert.ok(err instanceof EbuildError);
    assert.match(err.message, /no Buildfile or Earthfile in \/r\/nope/);
    assert.deepEqual(err.at, at);
    return true;
  });
});

test("references resolve to directories relative to the referring Buildfile", () => {
  const from = {
    directory: "/repo/app",
    imports: new Map([
      ["lib", { kind: "directory" as const, path: "../lib" }],
      ["remote", { kind: "remote" as const, repository: "git.example.test/o/r", subdirectory: "", ref: undefined }],
    ]),
  };
  const cases: Array<[string, string]> = [
    ["+t", "/repo/app"],
    ["./svc+t", "/repo/app/svc"],
    ["../x+t/a", "/repo/x"],
    ["/abs+t", "/abs"],
    ["lib+t", "/repo/lib"],
  ];
  for (const [text, dir] of cases) assert.equal(directoryOfReference(parseReference(text), from), dir, text);
  assert.throws(() => directoryOfReference(parseReference("nope+t"), from), /no IMPORT is named nope[\s\S]*/);
  // Remote references name a directory of a repository at a ref by its reference form.
  assert.equal(directoryOfReference(parseReference("remote+t"), from), "git.example.test/o/r");
  assert.equal(directoryOfReference(parseReference("git.example.test/o/r/sub/../d:v1+t"), from), "git.example.test/o/r/d:v1");
  assert.throws(() => directoryOfReference(parseReference("git.example.test/o/r/..+t"), from), /leaves the repository git.example.test\/o\/r/);
  assert.throws(() => directoryOfReference(parseReference("./svc/*+t"), from), /wildcard directories are not supported yet/);
});
