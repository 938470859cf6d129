/**
 * `ebuild debug ast` through the real CLI process: the JSON is the typed AST, its ranges point at the
 * right places of the file, and a file that does not parse exits 2 with positioned problems.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { ebuild, root } from "./support/ebuild-process.js";

interface Point {
  line: number;
  column: number;
  offset: number;
}
interface Range {
  file: string;
  start: Point;
  end: Point;
}

/** Every `range` anywhere in a JSON value. */
function ranges(value: unknown, out: Range[] = []): Range[] {
  if (Array.isArray(value)) for (const v of value) ranges(v, out);
  else if (value !== null && typeof value === "object") {
    for (const [key, v] of Object.entries(value)) {
      if (key === "range") out.push(v as Range);
      else ranges(v, out);
    }
  }
  return out;
}

/** The 1-based line of the first line of `text` equal to `line`. */
function lineOf(text: string, line: string): number {
  return text.split("\n").indexOf(line) + 1;
}

const file = "fixtures/projects/go-service/Buildfile";

test("ebuild debug ast prints the typed AST of a Buildfile as JSON", () => {
  const r = ebuild(["debug", "ast", file]);
  assert.equal(r.stderr, "");
  assert.equal(r.status, 0);
  const ast = JSON.parse(r.stdout);
  const text = readFileSync(path.join(root, file), "utf8");
  assert.equal(ast.file, file);
  assert.deepEqual(ast.version.features, ["try"]);
  assert.deepEqual(
    ast.targets.map((t: { name: string }) => t.name),
    ["deps", "build", "test", "lint", "docker", "integration", "all"],
  );
  assert.deepEqual(ast.functions.map((f: { name: string; keyword: string }) => `${f.name} ${f.keyword}`), ["GO_BUILD FUNCTION"]);
  const build = ast.targets[1];
  assert.equal(build.range.start.line, lineOf(text, "build:"));
  assert.match(build.docs, /^build compiles the service binary\.\n\nThe binary is statically linked/);
  const save = build.recipe.find((s: { kind: string }) => s.kind === "SAVE_ARTIFACT");
  assert.equal(save.source.text, "bin/server");
  assert.equal(save.asLocal.text, "dist/server");
  assert.equal(save.range.start.line, lineOf(text, "    SAVE ARTIFACT bin/server AS LOCAL dist/server"));
  assert.equal(save.range.start.column, 5);
});

test("every range in the AST lies inside the file and starts before it ends", () => {
  const r = ebuild(["debug", "ast", "fixtures/projects/earthly-app"]);
  assert.equal(r.status, 0, r.stderr);
  const text = readFileSync(path.join(root, "fixtures/projects/earthly-app/Earthfile"), "utf8");
  const all = ranges(JSON.parse(r.stdout));
  assert.ok(all.length > 50, `only ${all.length} ranges`);
  for (const range of all) {
    assert.equal(range.file, "fixtures/projects/earthly-app/Earthfile");
    assert.ok(range.start.offset >= 0 && range.start.offset <= range.end.offset && range.end.offset <= text.length, JSON.stringify(range));
    const before = text.slice(0, range.start.offset).split("\n");
    assert.equal(range.start.line, before.length, JSON.stringify(range));
    assert.equal(range.start.column, before.at(-1)!.length + 1, JSON.stringify(range));
  }
});

test("ebuild debug ast on a file with syntax errors prints them and exits 2", () => {
  const r = ebuild(["debug", "ast", "fixtures/projects/broken/Buildfile"]);
  assert.equal(r.status, 2);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /fixtures\/projects\/broken\/Buildfile:5:5: /);
});

test("ebuild debug ast without a file is a usage error", () => {
  const r = ebuild(["debug", "ast"]);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /missing required argument 'file'/);
});
