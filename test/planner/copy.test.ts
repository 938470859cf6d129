import assert from "node:assert/strict";
import { test } from "node:test";
import { optionalPattern } from "../../src/planner/commands/copy.js";

// BuildKit lists the directory above a pattern's first wildcard component, which must exist; the
// context upload holds only existing files, so the class goes into the first component.
test("--if-exists turns a path into a pattern that matches only it, listed from the root", () => {
  const cases: Array<[string, string]> = [
    ["a.txt", "[a].txt"],
    ["src/missing.txt", "[s]rc/missing.txt"],
    ["/out/dir/file", "/[o]ut/dir/file"],
    [".config/x", "[.]config/x"],
    ["src/*.txt", "[s]rc/*.txt"],
    ["*.txt", "*.txt"],
    ["[ab].txt", "[ab].txt"],
    [".", "."],
    ["../x", "../x"],
    ["^^/x", "^^/x"],
  ];
  for (const [path, pattern] of cases) assert.equal(optionalPattern(path), pattern, path);
});
