/**
 * What helps while writing a Buildfile: hover docs for commands, flags and references; completion
 * of commands at the start of a line, a command's flags after `--`, and target names after `+`;
 * and the outline of targets and functions.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { openProject, positionOf, rootBuildfile, type Session } from "./support.js";

let s: Session;
before(async () => (s = await openProject()));
after(async () => assert.equal(await s.client.close(), 0));

interface Hover {
  contents: { kind: string; value: string };
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
}
interface CompletionItem {
  label: string;
  kind: number;
  textEdit: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string };
}

const hover = (position: { line: number; character: number }, uri = s.uri) => s.client.request<Hover | null>("textDocument/hover", { textDocument: { uri }, position });

/** Replaces the root Buildfile's text in the editor and returns completions at `needle` (+ shift). */
async function complete(text: string, needle: string, shift: number, version: number): Promise<CompletionItem[]> {
  s.client.notify("textDocument/didChange", { textDocument: { uri: s.uri, version }, contentChanges: [{ text }] });
  await s.client.notification("textDocument/publishDiagnostics", (p: { version?: number }) => p.version === version);
  const result = await s.client.request<CompletionItem[] | { items: CompletionItem[] }>("textDocument/completion", { textDocument: { uri: s.uri }, position: positionOf(text, needle, shift) });
  return Array.isArray(result) ? result : result.items;
}

test("hover on SAVE ARTIFACT shows its synopsis, doc and flags over both keyword words", async () => {
  const found = await hover(positionOf(rootBuildfile, "SAVE ARTIFACT", 7));
  assert.equal(found?.contents.kind, "markdown");
  assert.match(found!.contents.value, /^```buildfile\nSAVE ARTIFACT \[flags\] <src> \[<artifact-path>\] \[AS LOCAL <host-path>\]\n```/);
  assert.match(found!.contents.value, /- `--if-exists`: skip silently when `<src>` is missing/);
  assert.deepEqual(found!.range, { start: { line: 6, character: 4 }, end: { line: 6, character: 17 } });
});

test("hover on a flag with a value shows that flag's doc for that command", async () => {
  const found = await hover(positionOf(rootBuildfile, "--mount=type=cache", 4));
  assert.match(found!.contents.value, /^`RUN --mount=<spec>`\n\nmount a cache, tmpfs or secret/);
  assert.deepEqual(found!.range, { start: { line: 13, character: 8 }, end: { line: 13, character: 36 } });
});

test("hover on a reference names the target, where it is and its doc comment", async () => {
  const here = await hover(positionOf(rootBuildfile, "FROM +build", 8));
  assert.equal(here!.contents.value, "target `+build` — this file, line 5\n\nbuild compiles the program.");
  const there = await hover(positionOf(rootBuildfile, "BUILD ./sub+lib", 9));
  assert.match(there!.contents.value, /^target `\+lib` — .*\/sub\/Buildfile, line 5\n\nlib makes the library\.$/);
});

test("hover on a shell word says nothing", async () => {
  assert.equal(await hover(positionOf(rootBuildfile, "echo hi", 1)), null);
});

test("at the start of an indented line, completion offers the commands", async () => {
  const text = rootBuildfile.replace("    SAVE ARTIFACT /out", "    SAVE ARTIFACT /out\n    CO");
  const items = await complete(text, "    CO\n", 6, 10);
  const labels = items.map((i) => i.label);
  for (const keyword of ["COPY", "RUN", "FROM", "SAVE ARTIFACT", "WITH DOCKER", "IF", "END"]) assert.ok(labels.includes(keyword), keyword);
  assert.ok(!labels.includes("ADD"), "rejected commands are not offered");
  const copy = items.find((i) => i.label === "COPY")!;
  assert.equal(copy.kind, 14, "Keyword");
  assert.deepEqual(copy.textEdit.range, { start: { line: 7, character: 4 }, end: { line: 7, character: 6 } });
});

test("after RUN --, completion offers RUN's flags only", async () => {
  const text = rootBuildfile.replace("    RUN echo hi > /out", "    RUN --");
  const labels = (await complete(text, "RUN --", 6, 11)).map((i) => i.label).sort();
  assert.deepEqual(labels, ["--aws", "--entrypoint", "--interactive", "--interactive-keep", "--mount", "--network", "--no-cache", "--oidc", "--privileged", "--push", "--raw-output", "--secret", "--ssh", "--with-docker"]);
});

test("after COPY --, --from (which does not exist) is not offered; after a source, no flags are", async () => {
  const text = rootBuildfile.replace("    COPY ./sub+lib/lib.txt .", "    COPY --");
  const labels = (await complete(text, "COPY --", 7, 12)).map((i) => i.label);
  assert.ok(labels.includes("--keep-ts") && !labels.includes("--from"));
  const late = rootBuildfile.replace("    COPY ./sub+lib/lib.txt .", "    COPY src --");
  assert.deepEqual(await complete(late, "COPY src --", 11, 13), []);
});

test("after BUILD +, completion offers this file's targets, and after BUILD ./sub+ those of sub/Buildfile", async () => {
  const local = rootBuildfile.replace("    BUILD ./sub+lib", "    BUILD +");
  const items = await complete(local, "BUILD +", 7, 14);
  assert.deepEqual(items.map((i) => i.label).sort(), ["+base", "+build", "+test"]);
  assert.deepEqual(items[0]!.textEdit.range, { start: { line: 11, character: 10 }, end: { line: 11, character: 11 } });

  const other = rootBuildfile.replace("    BUILD ./sub+lib", "    BUILD ./sub+");
  assert.deepEqual((await complete(other, "BUILD ./sub+", 12, 15)).map((i) => i.label).sort(), ["./sub+base", "./sub+lib", "./sub+other"]);
});

test("after DO +, completion offers functions, not targets", async () => {
  const text = rootBuildfile.replace("    DO +GREET", "    DO +");
  assert.deepEqual((await complete(text, "DO +", 4, 16)).map((i) => i.label), ["+GREET"]);
});

test("after a reference and --, completion offers the ARGs of the target or function it names", async () => {
  const text = rootBuildfile.replace("    DO +GREET", "    DO +GREET --");
  const items = await complete(text, "DO +GREET --", 12, 18);
  assert.deepEqual(items.map((i) => [i.label, i.textEdit.newText]), [["--WHO", "--WHO="]]);
});

test("a flag is documented only among the command's leading flags, not inside its shell command", async () => {
  const text = rootBuildfile.replace("    RUN echo hi > /out", "    RUN --no-cache echo --push");
  s.client.notify("textDocument/didChange", { textDocument: { uri: s.uri, version: 17 }, contentChanges: [{ text }] });
  await s.client.notification("textDocument/publishDiagnostics", (p: { version?: number }) => p.version === 17);
  assert.match((await hover(positionOf(text, "--no-cache", 3)))!.contents.value, /^`RUN --no-cache`/);
  assert.equal(await hover(positionOf(text, "--push", 3)), null);
});

test("document symbols list targets and functions (not the implicit +base) with their ranges, and ARGs inside", async () => {
  s.client.notify("textDocument/didChange", { textDocument: { uri: s.uri, version: 20 }, contentChanges: [{ text: rootBuildfile }] });
  await s.client.notification("textDocument/publishDiagnostics", (p: { version?: number }) => p.version === 20);
  const symbols = await s.client.request<Array<{ name: string; kind: number; range: unknown; selectionRange: unknown; children: Array<{ name: string }> }>>("textDocument/documentSymbol", { textDocument: { uri: s.uri } });
  assert.deepEqual(
    symbols.map((x) => [x.name, x.kind, x.children.map((c) => c.name)]),
    [["+build", 6, []], ["+test", 6, []], ["GREET", 12, ["WHO"]]],
  );
  const build = symbols[0]!;
  assert.deepEqual(build.selectionRange, { start: { line: 4, character: 0 }, end: { line: 4, character: 5 } });
  assert.deepEqual((build.range as { start: unknown }).start, { line: 4, character: 0 });
});
