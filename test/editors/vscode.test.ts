/**
 * editors/vscode: the extension declares the files ebuild reads, highlights them with the repository's
 * own TextMate grammar (copied in by its build step, never edited there) and starts `ebuild lsp`. Its
 * dependencies stay in its own package.json; its types are checked only when they are installed.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { buildfileNames } from "../../src/cli/buildfile-source.js";

const root = join(import.meta.dirname, "..", "..");
const extension = join(root, "editors", "vscode");
const manifest = JSON.parse(readFileSync(join(extension, "package.json"), "utf8"));
const grammarFile = join(root, "grammar", "buildfile.tmLanguage.json");
const grammar = JSON.parse(readFileSync(grammarFile, "utf8")) as { scopeName: string; fileTypes: string[] };

test("the extension's language covers the files ebuild reads and the grammar's file types", () => {
  const [language] = manifest.contributes.languages;
  assert.deepEqual(language.filenames, [...buildfileNames]);
  const types = [...language.filenames, ...language.extensions.map((e: string) => e.slice(1))].sort();
  assert.deepEqual(types, [...grammar.fileTypes].sort());
});

test("the build step copies grammar/buildfile.tmLanguage.json byte for byte to where the manifest points", () => {
  const [declared] = manifest.contributes.grammars;
  assert.equal(declared.scopeName, grammar.scopeName);
  assert.equal(declared.language, manifest.contributes.languages[0].id);
  assert.equal(declared.path, "./syntaxes/buildfile.tmLanguage.json", "the copy script's default destination");
  const out = mkdtempSync(join(tmpdir(), "ebuild-vscode-grammar-"));
  try {
    execFileSync(process.execPath, [join(extension, "scripts", "copy-grammar.mjs"), "--out", join(out, "g.json")]);
    assert.ok(readFileSync(join(out, "g.json")).equals(readFileSync(grammarFile)));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  const ignored = readFileSync(join(extension, ".gitignore"), "utf8").split("\n");
  assert.ok(ignored.includes("syntaxes/"), "the copy is build output, never checked in");
});

test("the language client is the extension's dependency, not ebuild's, and the extension runs `ebuild lsp`", () => {
  const rootManifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  assert.equal(rootManifest.dependencies["vscode-languageclient"], undefined);
  assert.equal(rootManifest.devDependencies["vscode-languageclient"], undefined);
  assert.ok(manifest.dependencies["vscode-languageclient"] !== undefined);
  const source = readFileSync(join(extension, "src", "extension.ts"), "utf8");
  assert.match(source, /args: \["lsp"\], transport: TransportKind\.stdio/);
});

test("the extension type-checks against vscode and vscode-languageclient (when its dependencies are installed)", (t) => {
  if (!existsSync(join(extension, "node_modules", "vscode-languageclient"))) {
    t.skip("run npm install in editors/vscode to check it");
    return;
  }
  execFileSync(process.execPath, [join(extension, "node_modules", "typescript", "bin", "tsc"), "-p", extension, "--noEmit"], { stdio: "pipe" });
});
