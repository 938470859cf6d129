/**
 * What must hold for every file `ebuild fmt` touches: formatting twice changes nothing more, the
 * formatted file parses to the same AST as the original (positions and raw spellings aside), and
 * the text has the canonical shape (no trailing blanks, no tabs in indentation, one final newline,
 * never two blank lines in a row). Checked over every fixture and a seeded fuzz corpus.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { canonical, formatBuildfile } from "../../src/format/index.js";
import { parseBuildfile } from "../../src/parser/index.js";
import { fixtureFiles, root } from "./corpus.js";
import { randomBuildfile } from "./fuzz.js";

function checkProperties(text: string, file: string): void {
  const original = parseBuildfile(text, file);
  assert.deepEqual(original.problems, [], "the input must parse");
  const once = formatBuildfile(text, file);
  assert.deepEqual(once.problems, []);
  const formatted = once.text!;
  const twice = formatBuildfile(formatted, file);
  assert.equal(twice.text, formatted, "formatting is idempotent");
  const reparsed = parseBuildfile(formatted, file);
  assert.deepEqual(reparsed.problems, []);
  assert.equal(canonical(reparsed.buildfile), canonical(original.buildfile), "the formatted file parses to the same AST");
  assert.ok(formatted === "" || formatted.endsWith("\n"), "ends with one newline");
  assert.ok(!formatted.endsWith("\n\n"), "no blank lines at the end");
  assert.ok(!/[ \t]$/m.test(formatted), "no trailing whitespace");
  assert.ok(!/^\t/m.test(formatted), "indentation is spaces");
  assert.ok(!formatted.includes("\n\n\n"), "at most one blank line in a row");
}

const fixtures = fixtureFiles()
  .map((f) => ({ file: f, text: readFileSync(join(root, f), "utf8") }))
  .filter((f) => parseBuildfile(f.text, f.file).problems.length === 0);

for (const { file, text } of fixtures) {
  test(`${file}: idempotent and the same AST after formatting`, () => checkProperties(text, file));
}

const fuzzCount = 300;

test(`${fuzzCount} fuzz-generated Buildfiles: idempotent and the same AST after formatting`, () => {
  let parsed = 0;
  for (let seed = 1; seed <= fuzzCount; seed++) {
    const text = randomBuildfile(seed);
    if (parseBuildfile(text, "Buildfile").problems.length > 0) continue;
    parsed++;
    try {
      checkProperties(text, "Buildfile");
    } catch (error) {
      assert.fail(`seed ${seed}:\n${text}\n---\n${(error as Error).message}`);
    }
  }
  // The generator writes valid files; if most stopped parsing, this test would prove little.
  assert.ok(parsed >= fuzzCount * 0.9, `only ${parsed} of ${fuzzCount} generated files parse`);
});

test("the fuzz corpus exercises what the formatter rewrites", () => {
  const corpus = Array.from({ length: fuzzCount }, (_, i) => randomBuildfile(i + 1)).join("\n");
  for (const feature of ["\\\n", " \\\n\n", "\t", "--platform linux", "--mount=", "[ \"", "IF ", "ELSE IF", "TRY", "WITH DOCKER", "# "]) {
    assert.ok(corpus.includes(feature), `no generated file contains ${JSON.stringify(feature)}`);
  }
  const changed = Array.from({ length: 50 }, (_, i) => randomBuildfile(i + 1)).filter((t) => formatBuildfile(t, "Buildfile").text !== t);
  assert.ok(changed.length >= 45, "most generated files are not already canonical");
});
