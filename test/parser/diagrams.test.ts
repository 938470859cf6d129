/** The checked-in syntax diagrams match the parser's grammar (regenerate: npm run gen:diagrams). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { diagramFiles } from "../../scripts/gen-diagrams.js";

const root = join(import.meta.dirname, "../..");

for (const [path, expected] of Object.entries(diagramFiles())) {
  test(`${path} is up to date with the grammar`, () => {
    const actual = readFileSync(join(root, path), "utf8");
    assert.ok(actual === expected, `${path} is stale: run npm run gen:diagrams and commit the result`);
  });
}
