/**
 * The checked-in syntax diagrams (grammar/diagrams/index.html) show the parser as it is: regenerate
 * them with `npm run gen:diagrams` whenever src/parser/grammar.ts changes.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { diagramsFile, diagramsHtml } from "../../scripts/gen-diagrams.js";
import { grammar } from "../../src/parser/grammar.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const page = readFileSync(path.join(root, diagramsFile), "utf8");

/** The productions the page draws, read back from the JSON it embeds. */
function embeddedProductions(html: string): unknown {
  const match = /window\.serializedGrammar = (\[[\s\S]*?\]);\n<\/script>/.exec(html);
  assert.ok(match, "the page embeds no serialized grammar");
  return JSON.parse(match[1]!);
}

test("the checked-in diagrams draw the parser's current rules (else: npm run gen:diagrams)", () => {
  // Through JSON, as the page holds them (custom token patterns are functions, drawn as `{}`).
  const current = JSON.parse(JSON.stringify(grammar().getSerializedGastProductions()));
  assert.deepEqual(embeddedProductions(page), current);
});

test("the checked-in diagrams page is exactly what gen:diagrams writes (else: npm run gen:diagrams)", () => {
  assert.equal(page, diagramsHtml(), `${diagramsFile} is stale: run npm run gen:diagrams`);
});

test("every grammar rule has a diagram", () => {
  const drawn = (embeddedProductions(page) as Array<{ name: string }>).map((r) => r.name).sort();
  assert.deepEqual(drawn, Object.keys(grammar().getGAstProductions()).sort());
  assert.ok(drawn.includes("ifBlock") && drawn.includes("withBlock"), drawn.join(", "));
});

test("the page loads its renderer from node_modules, never from the internet", () => {
  assert.doesNotMatch(page, /:\/\//);
  const referenced = [...page.matchAll(/(?:src|href)='([^']+)'/g)].map((m) => m[1]!);
  assert.equal(referenced.length, 5);
  for (const ref of referenced) {
    const file = path.join(root, path.dirname(diagramsFile), ref);
    assert.ok(existsSync(file), `${ref} does not exist (${file})`);
  }
});
