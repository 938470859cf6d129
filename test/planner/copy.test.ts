import assert from "node:assert/strict";
import { test } from "node:test";
import { optionalPattern } from "../../src/planner/commands/copy.js";
import { MemorySourceReader, parseForPlanning, plan } from "../../src/planner/index.js";
import { dumpDefinition } from "../../src/planner/llb/dump.js";

// BuildKit lists the directory above a pattern's first wildcard component, which must exist; the
// context upload holds only existing files, so the class goes into the first component.
test("--if-exists turns a path into a pattern that matches only it, listed from the root", () => {
  const cases: Array<[string, string]> = [
    ["a.txt", "[a].txt"],
    ["src/missing.txt", "[s]rc/missing.txt"],
    ["/out/dir/file", "/[o]ut/dir/file"],
    [".config/x", "[.]config/x"],
    ["src/*.txt", "[s]rc/*.txt"],
    ["*.txt", "*.txt"],
    ["[ab].txt", "[ab].txt"],
    [".", "."],
    ["../x", "../x"],
    ["^^/x", "^^/x"],
  ];
  for (const [path, pattern] of cases) assert.equal(optionalPattern(path), pattern, path);
});

test("a context's uploads carry the id the request gives its directory as local.unique, and none without one", async () => {
  const text = "VERSION 0.8\nbuild:\n    FROM scratch\n    COPY a.txt .\n    SAVE ARTIFACT a.txt\n";
  const planOnce = (contextId?: (directory: string) => string) =>
    plan({ entry: { directory: "/p", name: "build" }, platform: "linux/amd64", reader: new MemorySourceReader({ "/p/Buildfile": text }), parse: parseForPlanning, ...(contextId ? { contextId } : {}) });
  const attrsOf = async (contextId?: (directory: string) => string) => {
    const { plan: planned } = await planOnce(contextId);
    const sources = dumpDefinition(planned.outputs[0]!.definition).ops.map((o) => o.op.source as { identifier?: string; attrs?: Record<string, string> } | undefined);
    return sources.find((source) => source?.identifier === "local://context")?.attrs ?? {};
  };
  assert.equal((await attrsOf((directory) => `id-of-${directory}`))["local.unique"], "id-of-/p");
  assert.equal((await attrsOf())["local.unique"] ?? "", "");
});
