/**
 * Syntax diagrams from the Chevrotain grammar: `grammar/diagrams/grammar.json` (the serialized
 * grammar, reviewed in diffs) and `grammar/diagrams/buildfile.html` (railroad diagrams; it loads
 * Chevrotain's diagram scripts from node_modules, so open it from a checkout with dependencies).
 * `npm run gen:diagrams` rewrites both; test/parser/diagrams.test.ts fails when they are stale.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createSyntaxDiagramsCode } from "chevrotain";
import { grammar } from "../src/parser/grammar.js";

/** The checked-in files, by path relative to the repository root. */
export function diagramFiles(): Record<string, string> {
  const serialized = grammar().getSerializedGastProductions();
  const base = "../../node_modules/chevrotain/diagrams/";
  return {
    "grammar/diagrams/grammar.json": `${JSON.stringify(serialized, null, 2)}\n`,
    "grammar/diagrams/buildfile.html": createSyntaxDiagramsCode(serialized, { resourceBase: base, css: `${base}diagrams.css` }),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = join(import.meta.dirname, "..");
  for (const [path, content] of Object.entries(diagramFiles())) {
    writeFileSync(join(root, path), content);
    console.log(`wrote ${path}`);
  }
}
