/**
 * The language server answers on any text, as an editor holds it mid-edit: over every fixture and a
 * seeded set of mutated inputs, hover, completion, definition and symbols at every position never
 * throw, and what they point at lies inside the file.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Position, Range } from "vscode-languageserver";
import { completionsAt } from "../../src/lsp/completion.js";
import { diagnosticsOf } from "../../src/lsp/diagnostics.js";
import { hoverAt } from "../../src/lsp/hover.js";
import { documentSymbolsOf } from "../../src/lsp/symbols.js";
import { definitionOf, symbolAt } from "../../src/lsp/targets.js";
import { Workspace } from "../../src/lsp/workspace.js";
import { fixtureFiles, root } from "../format/corpus.js";
import { fixtureTexts, fuzzInput, random } from "../parser/fuzz-inputs.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const file = "/nonexistent-ebuild-lsp-test/Buildfile";

function inside(range: Range, lines: string[]): boolean {
  const ok = (p: Position) => p.line >= 0 && p.line < lines.length && p.character >= 0 && p.character <= lines[p.line]!.length;
  return ok(range.start) && ok(range.end) && (range.start.line < range.end.line || (range.start.line === range.end.line && range.start.character <= range.end.character));
}

/** Asks every question at every position of `text` and checks each answer's ranges. */
function exercise(text: string): void {
  const workspace = new Workspace([], (p) => (p === file ? text : undefined), () => [file]);
  const parsed = workspace.parsed(file)!;
  const lines = text.split("\n").map((l) => l.replace(/\r$/, ""));
  const where = (what: string, p: Position) => `${what} at ${p.line}:${p.character} of:\n${text}`;
  for (const d of diagnosticsOf(parsed.result, text)) assert.ok(inside(d.range, text.split("\n")), `diagnostic ${d.message}`);
  const buildfile = parsed.result.buildfile;
  if (buildfile !== undefined) for (const s of documentSymbolsOf(buildfile)) assert.ok(inside(s.range, text.split("\n")) && inside(s.selectionRange, text.split("\n")), s.name);
  for (let line = 0; line < lines.length; line++) {
    for (let character = 0; character <= lines[line]!.length; character++) {
      const at = { line, character };
      const hover = hoverAt(workspace, text, buildfile, at);
      if (hover?.range !== undefined) assert.ok(inside(hover.range, lines), where("hover", at));
      for (const item of completionsAt(workspace, text, buildfile, at)) {
        const edit = item.textEdit as { range: Range } | undefined;
        assert.ok(edit !== undefined && inside(edit.range, lines), where(`completion ${item.label}`, at));
      }
      if (buildfile !== undefined) {
        const found = symbolAt(workspace, buildfile, at);
        if (found !== undefined && found.symbol.file === file) {
          const definition = definitionOf(workspace, found.symbol);
          if (definition !== undefined) assert.ok(inside({ start: { line: definition.nameRange.start.line - 1, character: definition.nameRange.start.column - 1 }, end: { line: definition.nameRange.end.line - 1, character: definition.nameRange.end.column - 1 } }, text.split("\n")), where("definition", at));
        }
      }
    }
  }
}

test("every fixture Buildfile, at every position", () => {
  const files = fixtureFiles();
  assert.ok(files.length > 20);
  for (const path of files) exercise(readFileSync(join(root, path), "utf8"));
});

test("mutated and random Buildfiles, at every position", () => {
  const rand = random(8);
  const corpus = fixtureTexts();
  for (let i = 0; i < 80; i++) exercise(fuzzInput(rand, corpus));
});
