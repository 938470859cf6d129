/**
 * The fixture corpus: `fixtures/parser/<case>/Buildfile` parses to the checked-in `ast.json`, or, for
 * negative cases, to the formatted problems in `errors.txt`. `UPDATE_GOLDEN=1` rewrites both (review
 * the diff).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatProblem, parseBuildfile } from "../../src/parser/index.js";

const root = join(import.meta.dirname, "../../fixtures/parser");
const update = process.env.UPDATE_GOLDEN === "1";

for (const name of readdirSync(root).sort()) {
  const dir = join(root, name);
  const text = readFileSync(join(dir, "Buildfile"), "utf8");
  const negative = name.startsWith("err-");
  test(`${name}: ${negative ? "problems match errors.txt" : "AST matches ast.json"}`, () => {
    const result = parseBuildfile(text, "Buildfile");
    if (negative) {
      const actual = result.problems.map((p) => formatProblem(p, text)).join("\n\n") + "\n";
      assert.ok(result.problems.length > 0, "a negative case must have problems");
      const golden = join(dir, "errors.txt");
      if (update || !existsSync(golden)) writeFileSync(golden, actual);
      assert.equal(actual, readFileSync(golden, "utf8"));
      return;
    }
    assert.deepEqual(result.problems.map((p) => formatProblem(p, text)), []);
    const actual = JSON.stringify(result.buildfile, null, 2) + "\n";
    const golden = join(dir, "ast.json");
    if (update || !existsSync(golden)) writeFileSync(golden, actual);
    assert.equal(actual, readFileSync(golden, "utf8"));
  });
}
