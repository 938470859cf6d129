/**
 * Go-to-definition and find-references follow `+target`, `+FUNCTION`, `./dir+target` and artifact
 * references `+t/path` across the workspace's Buildfiles, as the planner would resolve them.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { openProject, positionOf, rootBuildfile, subBuildfile, type Session } from "./support.js";

let s: Session;
before(async () => (s = await openProject()));
after(async () => assert.equal(await s.client.close(), 0));

interface Location {
  uri: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
}

const definition = (uri: string, position: { line: number; character: number }) => s.client.request<Location | null>("textDocument/definition", { textDocument: { uri }, position });
const at = (line: number, character: number, length: number) => ({ start: { line, character }, end: { line, character: character + length } });

test("definition of +build in FROM is the build: header of the same file", async () => {
  const found = await definition(s.uri, positionOf(rootBuildfile, "FROM +build", 7));
  assert.deepEqual(found, { uri: s.uri, range: at(4, 0, 5) });
});

test("definition of ./sub+lib in BUILD is the lib: header of sub/Buildfile", async () => {
  const found = await definition(s.uri, positionOf(rootBuildfile, "BUILD ./sub+lib", 12));
  assert.deepEqual(found, { uri: s.subUri, range: at(4, 0, 3) });
});

test("definition of an artifact reference ./sub+lib/lib.txt is the target that saves it", async () => {
  const found = await definition(s.uri, positionOf(rootBuildfile, "./sub+lib/lib.txt", 10));
  assert.deepEqual(found, { uri: s.subUri, range: at(4, 0, 3) });
});

test("definition of +GREET after DO is the function's header", async () => {
  const found = await definition(s.uri, positionOf(rootBuildfile, "DO +GREET", 5));
  assert.deepEqual(found, { uri: s.uri, range: at(15, 0, 5) });
});

test("definition from a file that is not open follows ../+build back to the root Buildfile", async () => {
  const found = await definition(s.subUri, positionOf(subBuildfile, "../+build", 4));
  assert.deepEqual(found, { uri: s.uri, range: at(4, 0, 5) });
});

test("an image name or a host path has no definition", async () => {
  assert.equal(await definition(s.uri, positionOf(rootBuildfile, "busybox", 2)), null);
  assert.equal(await definition(s.uri, positionOf(rootBuildfile, "/out", 2)), null);
});

test("references to +build: FROM +build here and BUILD ../+build in sub/Buildfile, with the declaration when asked", async () => {
  const request = (includeDeclaration: boolean) =>
    s.client.request<Location[]>("textDocument/references", { textDocument: { uri: s.uri }, position: { line: 4, character: 2 }, context: { includeDeclaration } });
  const sort = (ls: Location[]) => [...ls].sort((a, b) => a.uri.localeCompare(b.uri) || a.range.start.line - b.range.start.line);
  assert.deepEqual(sort(await request(false)), sort([
    { uri: s.uri, range: at(9, 9, 6) },
    { uri: s.subUri, range: at(9, 10, 9) },
  ]));
  const withDeclaration = await request(true);
  assert.deepEqual(withDeclaration[0], { uri: s.uri, range: at(4, 0, 5) });
  assert.equal(withDeclaration.length, 3);
});

test("references to lib, asked from a reference word, include the artifact copy and the BUILD", async () => {
  const found = await s.client.request<Location[]>("textDocument/references", {
    textDocument: { uri: s.uri },
    position: positionOf(rootBuildfile, "BUILD ./sub+lib", 13),
    context: { includeDeclaration: false },
  });
  assert.deepEqual(found.map((l) => [l.uri, l.range.start.line, l.range.start.character]).sort(), [
    [s.uri, 10, 9],
    [s.uri, 11, 10],
  ]);
});

test("unsaved edits count: a target renamed in the editor is found under its new name", async () => {
  const edited = rootBuildfile.replace("build:", "compile:").replace("FROM +build", "FROM +compile");
  s.client.notify("textDocument/didChange", { textDocument: { uri: s.uri, version: 2 }, contentChanges: [{ text: edited }] });
  await s.client.notification("textDocument/publishDiagnostics", (p: { version?: number }) => p.version === 2);
  const found = await definition(s.uri, positionOf(edited, "FROM +compile", 7));
  assert.deepEqual(found, { uri: s.uri, range: at(4, 0, 7) });
  // sub/Buildfile still says ../+build, which no longer exists.
  assert.equal(await definition(s.subUri, positionOf(subBuildfile, "../+build", 4)), null);
  s.client.notify("textDocument/didChange", { textDocument: { uri: s.uri, version: 3 }, contentChanges: [{ text: rootBuildfile }] });
  await s.client.notification("textDocument/publishDiagnostics", (p: { version?: number }) => p.version === 3);
});

test("IMPORT aliases, WITH DOCKER --load groups and Earthfiles resolve too, from a file open only in the editor", async () => {
  const uses = [
    "VERSION 0.8",
    "IMPORT ../sub AS tools",
    "FROM busybox",
    "run:",
    "    WITH DOCKER --load app=(tools+lib --X=1)",
    "        RUN docker run app",
    "    END",
    "    BUILD tools+other",
    "    BUILD ../earth+image",
    "",
  ].join("\n");
  const usesUri = s.uri.replace(/Buildfile$/, "uses/Buildfile");
  s.client.notify("textDocument/didOpen", { textDocument: { uri: usesUri, languageId: "buildfile", version: 1, text: uses } });
  const published = await s.client.notification("textDocument/publishDiagnostics", (p: { uri: string }) => p.uri === usesUri);
  assert.deepEqual((published.params as { diagnostics: unknown[] }).diagnostics, []);

  assert.deepEqual(await definition(usesUri, positionOf(uses, "tools+other", 7)), { uri: s.subUri, range: at(8, 0, 5) });
  assert.deepEqual(await definition(usesUri, positionOf(uses, "tools+lib", 7)), { uri: s.subUri, range: at(4, 0, 3) });
  // A directory without a Buildfile: its Earthfile.
  assert.deepEqual(await definition(usesUri, positionOf(uses, "../earth+image", 9)), { uri: s.uri.replace(/Buildfile$/, "earth/Earthfile"), range: at(3, 0, 5) });
  const completions = await s.client.request<Array<{ label: string }>>("textDocument/completion", { textDocument: { uri: usesUri }, position: positionOf(uses, "tools+other", 6) });
  assert.deepEqual(completions.map((c) => c.label).sort(), ["tools+base", "tools+lib", "tools+other"]);

  // References to lib now count the open file's --load as well.
  const refs = await s.client.request<Location[]>("textDocument/references", { textDocument: { uri: s.subUri }, position: { line: 4, character: 1 }, context: { includeDeclaration: false } });
  assert.deepEqual(refs.filter((l) => l.uri === usesUri).map((l) => l.range), [at(4, 28, 9)]);
  s.client.notify("textDocument/didClose", { textDocument: { uri: usesUri } });
});
