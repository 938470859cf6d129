/**
 * Golden tests of `ebuild fmt`: each `fixtures/format/<case>/input.Buildfile` formats to its
 * `expected.Buildfile`, and every other fixture Buildfile that parses formats to its golden text in
 * `fixtures/format/corpus/`. `UPDATE_GOLDEN=1` rewrites the expected files (review the diff).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { formatBuildfile } from "../../src/format/index.js";
import { parseBuildfile } from "../../src/parser/index.js";
import { fixtureFiles, goldenOf, root } from "./corpus.js";

const update = process.env.UPDATE_GOLDEN === "1";

function checkGolden(input: string, expectedPath: string): void {
  const text = readFileSync(join(root, input), "utf8");
  const result = formatBuildfile(text, input);
  assert.deepEqual(result.problems, []);
  const full = join(root, expectedPath);
  if (update) {
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, result.text!);
    return;
  }
  assert.ok(existsSync(full), `${expectedPath} is missing: run UPDATE_GOLDEN=1 node --import tsx --test test/format/golden.test.ts`);
  assert.equal(result.text, readFileSync(full, "utf8"));
}

const cases = join(root, "fixtures", "format");
for (const name of readdirSync(cases).filter((n) => existsSync(join(cases, n, "input.Buildfile")))) {
  test(`${name}: input.Buildfile formats to expected.Buildfile`, () => {
    checkGolden(join("fixtures", "format", name, "input.Buildfile"), join("fixtures", "format", name, "expected.Buildfile"));
  });
}

const parseable = fixtureFiles().filter((f) => !f.startsWith(join("fixtures", "format")) && parseBuildfile(readFileSync(join(root, f), "utf8"), f).problems.length === 0);

test("the fixture corpus is not empty", () => {
  assert.ok(parseable.length >= 7, `only ${parseable.length} fixture Buildfiles parse`);
});

for (const fixture of parseable) {
  test(`${fixture} formats to ${goldenOf(fixture)}`, () => checkGolden(fixture, goldenOf(fixture)));
}
