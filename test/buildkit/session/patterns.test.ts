import { test } from "node:test";
import assert from "node:assert/strict";
import { PatternMatcher, cleanPath } from "../../../src/buildkit/session/patterns.js";

// [patterns, path, selected?] — the answers moby/patternmatcher's MatchesOrParentMatches gives.
const cases: [string[], string, boolean][] = [
  [["*.go"], "main.go", true],
  [["*.go"], "cmd/main.go", false],
  [["**/*.go"], "cmd/main.go", true],
  [["**/*.go"], "main.go", true],
  [["**/foo"], "foo", true],
  [["**/foo"], "a/b/foo", true],
  [["**foo"], "barfoo", true],
  [["dir"], "dir/a/b.txt", true],
  [["dir"], "dirt/a", false],
  [["dir/**"], "dir/a", true],
  [["dir/*"], "dir/a/b", true],
  [["dir/*"], "dir", false],
  [["a?c"], "abc", true],
  [["a?c"], "a/c", false],
  [["[a-c]x"], "bx", true],
  [["[a-c]x"], "dx", false],
  [["[^a]x"], "bx", true],
  [["\\*x"], "*x", true],
  [["\\*x"], "ax", false],
  [["file.txt"], "fileatxt", false],
  [["a+b(c)"], "a+b(c)", true],
  [["./dir/../x"], "x", true],
  [["dir/"], "dir/y", true],
  [["  spaced  "], "spaced", true],
  [["*", "!keep"], "keep", false],
  [["*", "!keep"], "other", true],
  [["dir", "!dir/keep"], "dir/keep", false],
  [["dir", "!dir/keep"], "dir/keep/deeper", false],
  [["dir", "!dir/keep"], "dir/drop", true],
  [["!keep", "*"], "keep", true],
  [["**/*.log", "!important.log"], "important.log", false],
  [["**/*.log", "!important.log"], "sub/important.log", true],
  [["/abs"], "abs", false],
];

test("patterns select paths as BuildKit's pattern matcher does", () => {
  for (const [patterns, path, expected] of cases) {
    assert.equal(new PatternMatcher(patterns).matchesOrParentMatches(path), expected, `${JSON.stringify(patterns)} on ${path}`);
  }
});

test("parent results handed down give the same answers as matching from the full path", () => {
  const matcher = new PatternMatcher(["a/b", "!a/b/keep", "**/*.tmp"]);
  const paths = ["a", "a/b", "a/b/keep", "a/b/keep/x.tmp", "a/b/drop", "a/c.tmp"];
  const infos = new Map<string, ReturnType<PatternMatcher["matchesUsingParentResults"]>["info"]>();
  for (const path of paths) {
    const parent = path.includes("/") ? infos.get(path.slice(0, path.lastIndexOf("/"))) : undefined;
    const { matched, info } = matcher.matchesUsingParentResults(path, parent);
    infos.set(path, info);
    assert.equal(matched, matcher.matchesOrParentMatches(path), path);
  }
});

test("malformed patterns are refused with the pattern named", () => {
  assert.throws(() => new PatternMatcher(["!"]), /illegal exclusion pattern/);
  assert.throws(() => new PatternMatcher(["[abc"]), /invalid pattern "\[abc"/);
});

test("cleanPath behaves like Go's path.Clean", () => {
  const cases: [string, string][] = [["", "."], ["a/", "a"], ["./a//b/../c", "a/c"], ["/", "/"], ["../x", "../x"], [".", "."]];
  for (const [input, expected] of cases) assert.equal(cleanPath(input), expected, input);
});
