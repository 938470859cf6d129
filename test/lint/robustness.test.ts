import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { lintBuildfile } from "../../src/lint/index.js";
import { parseBuildfile } from "../../src/parser/index.js";

const root = join(import.meta.dirname, "..", "..");
const fixtures = ["fixtures/parser", "fixtures/lint"].flatMap((dir) => readdirSync(join(root, dir)).map((d) => join(root, dir, d, "Buildfile")));

test("every rule copes with any Buildfile that parses: fixtures with lines dropped at random (seeded)", () => {
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  let linted = 0;
  for (const file of fixtures) {
    const lines = readFileSync(file, "utf8").split("\n");
    for (let i = 0; i < 40; i++) {
      const text = lines.filter(() => random() > 0.2).join("\n");
      const { buildfile, problems } = parseBuildfile(text, "Buildfile");
      if (buildfile === undefined || problems.length > 0) continue;
      const findings = lintBuildfile(buildfile, text);
      for (const f of findings) assert.ok(f.range.start.line >= 1 && f.range.start.column >= 1, `${f.ruleId} has a position`);
      linted++;
    }
  }
  assert.ok(linted > 100, `only ${linted} variants parsed`);
});
