import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { reportedRules, rules } from "../../src/lint/index.js";

const doc = readFileSync(join(import.meta.dirname, "..", "..", "docs", "lint.md"), "utf8");

test("docs/lint.md documents every rule: its section, its level, a bad and a good example", () => {
  for (const rule of rules) {
    const start = doc.indexOf(`\n### ${rule.id}\n`);
    assert.ok(start >= 0, `no section for ${rule.id}`);
    const next = doc.indexOf("\n### ", start + 1);
    const section = doc.slice(start, next < 0 ? undefined : next);
    assert.match(section, /# bad/, `${rule.id} needs a bad example`);
    assert.match(section, /# good/, `${rule.id} needs a good example`);
    assert.match(doc, new RegExp(`\\| \\[\`${rule.id}\`\\]\\(#${rule.id}\\) \\| ${rule.level} \\|`), `${rule.id} in the table with level ${rule.level}`);
  }
  for (const info of reportedRules) assert.match(doc, new RegExp(`\`${info.id}\``));
});
