/**
 * `ebuild lsp` reports what the parser and the linter find as the user types: a syntax error with its
 * exact range, a lint finding with its rule id, nothing once the text is fixed; and it ends with exit
 * code 0 after shutdown and exit.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { project } from "../support/cli.js";
import { LspClient, uriOf } from "./client.js";

let client: LspClient;
let root: string;

before(async () => {
  root = await project({});
  client = new LspClient(root);
});
after(() => client.kill());

interface PublishedDiagnostics {
  uri: string;
  version?: number;
  diagnostics: Array<{ range: { start: { line: number; character: number }; end: { line: number; character: number } }; severity: number; code?: string; message: string; source: string }>;
}

const published = async (uri: string, version: number) =>
  (await client.notification("textDocument/publishDiagnostics", (p: PublishedDiagnostics) => p.uri === uri && p.version === version)).params as PublishedDiagnostics;

test("initialize announces the features the server answers", async () => {
  const result = await client.initialize(root);
  const caps = result.capabilities;
  assert.equal(caps.textDocumentSync, 2, "incremental sync");
  assert.equal(caps.hoverProvider, true);
  assert.equal(caps.definitionProvider, true);
  assert.equal(caps.referencesProvider, true);
  assert.equal(caps.documentSymbolProvider, true);
  assert.deepEqual(caps.completionProvider.triggerCharacters, ["+", "-"]);
  assert.equal(result.serverInfo.name, "ebuild");
});

test("a misspelt command is an error on exactly its word; fixing it by an edit clears it", async () => {
  const uri = uriOf(join(root, "Buildfile"));
  const text = "VERSION 0.8\nFROM busybox\n\nbuild:\n    RUNN echo hi\n";
  client.notify("textDocument/didOpen", { textDocument: { uri, languageId: "buildfile", version: 1, text } });
  const broken = await published(uri, 1);
  assert.equal(broken.diagnostics.length, 1);
  const [d] = broken.diagnostics;
  assert.deepEqual(d!.range, { start: { line: 4, character: 4 }, end: { line: 4, character: 8 } });
  assert.equal(d!.severity, 1, "error");
  assert.equal(d!.source, "ebuild");
  assert.match(d!.message, /^unknown command RUNN\n.*did you mean RUN\?/s);

  // An incremental edit: delete the second N of RUNN.
  client.notify("textDocument/didChange", {
    textDocument: { uri, version: 2 },
    contentChanges: [{ range: { start: { line: 4, character: 7 }, end: { line: 4, character: 8 } }, text: "" }],
  });
  assert.deepEqual((await published(uri, 2)).diagnostics, []);
});

test("a lint finding carries its rule id, level and hint, and goes away when the line is fixed", async () => {
  const uri = uriOf(join(root, "sub", "Buildfile"));
  const text = "VERSION 0.8\nFROM busybox\n\nbuild:\n    RUN cd /app && make\n";
  client.notify("textDocument/didOpen", { textDocument: { uri, languageId: "buildfile", version: 1, text } });
  const found = await published(uri, 1);
  assert.deepEqual(
    found.diagnostics.map((d) => [d.code, d.severity, d.source, d.range.start.line]),
    [["run-cd", 2, "ebuild lint", 4]],
  );
  assert.match(found.diagnostics[0]!.message, /\nhint: .*WORKDIR/);

  client.notify("textDocument/didChange", { textDocument: { uri, version: 2 }, contentChanges: [{ text: "VERSION 0.8\nFROM busybox\n\nbuild:\n    WORKDIR /app\n    RUN make\n" }] });
  assert.deepEqual((await published(uri, 2)).diagnostics, []);
});

test("shutdown then exit ends the server with exit code 0", async () => {
  assert.equal(await client.close(), 0);
});
