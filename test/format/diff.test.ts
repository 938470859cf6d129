/**
 * `unifiedDiff` writes what `git apply` and `patch` read: checked by applying seeded random diffs
 * with git and comparing the result, plus the exact text of a small case.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unifiedDiff } from "../../src/format/diff.js";
import { random } from "./fuzz.js";

test("equal texts have no diff", () => {
  assert.equal(unifiedDiff("a\nb\n", "a\nb\n", "Buildfile"), "");
});

test("a changed line shows as - then +, with three lines of context", () => {
  const before = "1\n2\n3\n4\n5\n6\n7\n8\n";
  const after = "1\n2\n3\n4\nfive\n6\n7\n8\n";
  assert.equal(unifiedDiff(before, after, "Buildfile"), "--- a/Buildfile\n+++ b/Buildfile\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
});

test("a missing final newline is marked", () => {
  assert.equal(unifiedDiff("a", "a\n", "B"), "--- a/B\n+++ b/B\n@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+a\n");
});

test("200 random diffs apply with git apply and give the new text", () => {
  const dir = mkdtempSync(join(tmpdir(), "ebuild-diff-"));
  try {
    const rnd = random(42);
    const text = () => Array.from({ length: Math.floor(rnd() * 25) }, () => `line ${Math.floor(rnd() * 6)}`).join("\n") + (rnd() < 0.85 ? "\n" : "");
    execFileSync("git", ["init", "-q", dir]);
    for (let n = 0; n < 200; n++) {
      const before = text();
      const after = text();
      if (before === after || before === "" || after === "") continue;
      writeFileSync(join(dir, "Buildfile"), before);
      writeFileSync(join(dir, "change.diff"), unifiedDiff(before, after, "Buildfile"));
      execFileSync("git", ["apply", "change.diff"], { cwd: dir, stdio: "pipe" });
      assert.equal(readFileSync(join(dir, "Buildfile"), "utf8"), after, `case ${n}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
