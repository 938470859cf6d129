/**
 * Syntax diagrams of the Buildfile grammar, generated from the Chevrotain parser itself into
 * grammar/diagrams/index.html (checked in; test/grammar/diagrams.test.ts fails when it drifts).
 *
 * The page loads Chevrotain's diagram renderer from node_modules by a relative path rather than from
 * a CDN, so it works offline in any checkout where `npm ci` has run, and names no internet host.
 *
 * Run: npm run gen:diagrams          (writes the file)
 *      npm run gen:diagrams -- --check  (exits 1 when the file is stale)
 */
import { createSyntaxDiagramsCode } from "chevrotain";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { grammar } from "../src/parser/grammar.js";

const root = fileURLToPath(new URL("..", import.meta.url));

/** Where the diagrams live, relative to the repository root. */
export const diagramsFile = "grammar/diagrams/index.html";

/** The renderer's files as seen from the page's directory. */
const renderer = `${path.posix.relative(path.posix.dirname(diagramsFile), "node_modules/chevrotain/diagrams")}/`;

/** The diagrams page for the parser as it is now. */
export function diagramsHtml(): string {
  const html = createSyntaxDiagramsCode(grammar().getSerializedGastProductions(), {
    resourceBase: renderer,
    css: `${renderer}diagrams.css`,
  });
  const title = "<title>Buildfile grammar: syntax diagrams</title>\n";
  const note = "<!-- Generated from src/parser/grammar.ts by `npm run gen:diagrams`; do not edit. -->";
  const page = html.trim().replace("<!-- This is a generated file -->", note).replace('<meta charset="utf-8">\n', `<meta charset="utf-8">\n${title}`);
  return `${page}\n`;
}

function main(argv: string[]): void {
  const target = path.join(root, diagramsFile);
  const fresh = diagramsHtml();
  if (argv.includes("--check")) {
    let current = "";
    try {
      current = readFileSync(target, "utf8");
    } catch {
      // A missing file is as stale as a different one.
    }
    if (current !== fresh) {
      process.stderr.write(`${diagramsFile} is out of date with src/parser/grammar.ts: run npm run gen:diagrams\n`);
      process.exitCode = 1;
    }
    return;
  }
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, fresh);
  process.stdout.write(`wrote ${diagramsFile}\n`);
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
