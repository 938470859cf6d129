/**
 * The command and flag docs editors show are the language the parser reads: each command's flags are
 * exactly the ones its reader accepts, and each command points at a section of grammar/reference.md.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { commandDocs, type CommandDoc } from "../../src/parser/command-docs.js";
import { parseRecipe } from "./support.js";

const reference = readFileSync(join(import.meta.dirname, "..", "..", "grammar", "reference.md"), "utf8");

/** A recipe where `keyword` is given an unknown flag, in a place where that keyword may stand. */
function withUnknownFlag(keyword: string): string {
  switch (keyword) {
    case "IF":
      return "IF --zzz true\n    RUN x\nEND";
    case "ELSE IF":
      return "IF true\n    RUN x\nELSE IF --zzz true\n    RUN y\nEND";
    case "FOR":
      return "FOR --zzz x IN a b\n    RUN x\nEND";
    case "WITH DOCKER":
      return "WITH DOCKER --zzz\n    RUN x\nEND";
    default:
      return `${keyword} --zzz x y`;
  }
}

/** The flags the parser accepts after `command`: what its "has no flag" problem lists as expected. */
function parserFlags(command: CommandDoc): string[] {
  const problem = parseRecipe(withUnknownFlag(command.keyword)).problems.find((p) => p.message.includes("has no flag --zzz"));
  return [...(problem?.expected ?? [])].sort();
}

const flagged = commandDocs.filter((c) => c.block !== "closes" && c.status !== "rejected" && !["VERSION", "FUNCTION", "COMMAND", "ELSE"].includes(c.keyword));

for (const command of flagged) {
  test(`${command.keyword}: the documented flags are the ones the parser accepts`, () => {
    assert.deepEqual(command.flags.map((f) => f.name).sort(), parserFlags(command));
  });
}

test("every command points at a heading of grammar/reference.md", () => {
  const headings = new Set([...reference.matchAll(/^#{2,3} (.+)$/gm)].map((m) => m[1]!.trim()));
  assert.deepEqual(
    commandDocs.filter((c) => !headings.has(c.section)).map((c) => `${c.keyword} → ${c.section}`),
    [],
  );
});

test("each keyword is documented once, and every doc says something", () => {
  const keywords = commandDocs.map((c) => c.keyword);
  assert.equal(new Set(keywords).size, keywords.length);
  for (const c of commandDocs) {
    assert.ok(c.doc.length > 10 && c.synopsis.startsWith(c.keyword === "FUNCTION" || c.keyword === "COMMAND" ? "NAME:" : c.keyword), c.keyword);
    for (const f of c.flags) assert.ok(f.doc.length > 5, `${c.keyword} ${f.name}`);
  }
});
