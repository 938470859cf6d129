import { test } from "node:test";
import assert from "node:assert/strict";
import { EbuildError } from "../../src/errors.js";
import {
  formatReference,
  looksLikeReference,
  parseArtifactReference,
  parseFunctionReference,
  parseReference,
  parseTargetReference,
  type Reference,
} from "../../src/planner/reference.js";

type Expected = Omit<Reference, "text" | "wildcard"> & { path?: string; wildcard?: boolean };

const valid: Array<[string, Expected]> = [
  ["+build", { kind: "target", home: { kind: "here" }, name: "build" }],
  ["+build-all.v2", { kind: "target", home: { kind: "here" }, name: "build-all.v2" }],
  ["./svc+build", { kind: "target", home: { kind: "directory", path: "./svc" }, name: "build" }],
  ["./svc/+build", { kind: "target", home: { kind: "directory", path: "./svc" }, name: "build" }],
  ["../lib+test", { kind: "target", home: { kind: "directory", path: "../lib" }, name: "test" }],
  ["/abs/dir+t", { kind: "target", home: { kind: "directory", path: "/abs/dir" }, name: "t" }],
  [".+t", { kind: "target", home: { kind: "directory", path: "." }, name: "t" }],
  ["lib+build", { kind: "target", home: { kind: "import", alias: "lib" }, name: "build" }],
  ["./dir\\+x+t", { kind: "target", home: { kind: "directory", path: "./dir+x" }, name: "t" }],
  ["./svc/*+build", { kind: "target", home: { kind: "directory", path: "./svc/*" }, name: "build", wildcard: true }],
  ["+BUILD_GO", { kind: "function", home: { kind: "here" }, name: "BUILD_GO" }],
  ["./fn+SETUP.V2", { kind: "function", home: { kind: "directory", path: "./fn" }, name: "SETUP.V2" }],
  ["+build/out", { kind: "artifact", home: { kind: "here" }, name: "build", path: "out" }],
  ["+build/dist/*.js", { kind: "artifact", home: { kind: "here" }, name: "build", path: "dist/*.js" }],
  ["+build/*", { kind: "artifact", home: { kind: "here" }, name: "build", path: "*" }],
  ["../lib+build/a/b.txt", { kind: "artifact", home: { kind: "directory", path: "../lib" }, name: "build", path: "a/b.txt" }],
  [
    "git.example.test/org/repo+t",
    { kind: "target", home: { kind: "remote", repository: "git.example.test/org/repo", subdirectory: "", ref: undefined }, name: "t" },
  ],
  [
    "git.example.test/org/repo/sub/dir:v1.2+t",
    { kind: "target", home: { kind: "remote", repository: "git.example.test/org/repo", subdirectory: "sub/dir", ref: "v1.2" }, name: "t" },
  ],
  [
    "git.example.test/group/team/repo.git/sub:main+t/out",
    { kind: "artifact", home: { kind: "remote", repository: "git.example.test/group/team/repo.git", subdirectory: "sub", ref: "main" }, name: "t", path: "out" },
  ],
];

for (const [text, expected] of valid) {
  test(`reference ${text} parses`, () => {
    assert.deepEqual(parseReference(text), { wildcard: false, ...expected, text });
  });
}

const invalid: Array<[string, RegExp, number]> = [
  ["build", /has no \+NAME/, 0],
  ["./svc", /has no \+NAME/, 0],
  ["+", /names no target/, 1],
  ["./svc+", /names no target/, 6],
  ["+Build", /not a valid target or function name/, 1],
  ["+1st", /not a valid target or function name/, 1],
  ["+t/", /names no artifact/, 3],
  ["+FUNC/x", /functions have no artifacts/, 5],
  ["git.example.test/org/repo:+t", /empty git ref/, 26],
  ["host/repo+t", /neither a local directory nor a git repository/, 0],
  ["a//b/c+t", /not a valid remote reference/, 0],
];

for (const [text, message, offset] of invalid) {
  test(`reference ${text} is rejected at column ${10 + offset}`, () => {
    assert.throws(
      () => parseReference(text, { file: "Buildfile", line: 4, column: 10 }),
      (err: unknown) => {
        assert.ok(err instanceof EbuildError);
        assert.equal(err.kind, "semantic");
        assert.match(err.message, message);
        assert.deepEqual(err.at, { file: "Buildfile", line: 4, column: 10 + offset });
        assert.ok(err.hint !== undefined && err.hint.length > 0);
        return true;
      },
    );
  });
}

test("a command that needs one kind of reference rejects the others", () => {
  assert.equal(parseTargetReference("+t").kind, "target");
  assert.equal(parseFunctionReference("+F").kind, "function");
  assert.equal(parseArtifactReference("+t/a").kind, "artifact");
  assert.throws(() => parseTargetReference("+t/a"), /is an artifact, but a target is needed/);
  assert.throws(() => parseFunctionReference("+t"), /is a target, but a function is needed/);
  assert.throws(() => parseArtifactReference("+F"), /is a function, but an artifact is needed/);
});

test("formatting a parsed reference gives back its canonical text", () => {
  for (const text of ["+t", "./svc+build", "../lib+t/a/*.txt", "lib+t", "./dir\\+x+t", "git.example.test/org/repo/sub:v1+t"]) {
    assert.equal(formatReference(parseReference(text)), text);
  }
  assert.equal(formatReference(parseReference("./svc/+t")), "./svc+t");
});

test("words with an unescaped + look like references; image names and escaped pluses do not", () => {
  assert.equal(looksLikeReference("+build"), true);
  assert.equal(looksLikeReference("./a+b"), true);
  assert.equal(looksLikeReference("ebuild-fixture/busybox:latest"), false);
  assert.equal(looksLikeReference("dir\\+x"), false);
});
