import { test } from "node:test";
import assert from "node:assert/strict";
import { filterFrom, metadataValues } from "../../../src/buildkit/session/file-sync.js";

test("metadata values are decoded the way BuildKit encodes them", () => {
  const cases: [Record<string, string[]>, string[]][] = [
    [{ "include-patterns": ["a,b", "c d"] }, ["a,b", "c d"]],
    [{ "include-patterns": ["%C3%BC+x"], "include-patterns-encoded": ["1"] }, ["ü x"]],
    [{ "include-patterns": ["%C3%BC"], "include-patterns-encoded": ["true"] }, ["ü"]],
    [{ "include-patterns": ["%C3%BC"], "include-patterns-encoded": ["0"] }, ["%C3%BC"]],
    [{ "include-patterns": ["%zz"], "include-patterns-encoded": ["1"] }, [""]],
    [{}, []],
  ];
  for (const [metadata, expected] of cases) {
    assert.deepEqual(metadataValues(new Map(Object.entries(metadata)), "include-patterns"), expected, JSON.stringify(metadata));
  }
});

test("the walk filter takes only the lists the daemon sent", () => {
  const metadata = new Map(Object.entries({ "dir-name": ["context"], "exclude-patterns": ["*.log"], followpaths: ["Dockerfile"] }));
  assert.deepEqual(filterFrom(metadata), { excludePatterns: ["*.log"], followPaths: ["Dockerfile"] });
});
