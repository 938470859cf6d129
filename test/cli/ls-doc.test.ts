/**
 * `ebuild ls`, `ebuild doc` and `ebuild debug ast` through the real CLI process: what a user sees on
 * stdout and stderr, and the exit codes.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

function ebuild(...args: string[]) {
  const result = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
    cwd: root,
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test("ls lists a Buildfile's targets sorted, +base included", () => {
  const { status, stdout } = ebuild("ls", "fixtures/parser/go-service");
  assert.equal(status, 0);
  assert.equal(stdout, ["+all", "+base", "+build", "+deps", "+image", "+test", ""].join("\n"));
});

test("ls --args shows each target's ARGs, and functions apart", () => {
  const { status, stdout } = ebuild("ls", "--args", "fixtures/parser/functions");
  assert.equal(status, 0);
  assert.equal(stdout, ["+base", "+build", "", "functions:", "+GO_BUILD --pkg", ""].join("\n"));
});

test("ls reads a directory's Earthfile when it has no Buildfile", () => {
  const { status, stdout } = ebuild("ls", "--args", "fixtures/projects/earthly-app");
  assert.equal(status, 0);
  assert.equal(stdout, ["+base", "+hello --name", "+quiet", "+release --TAG", "", "functions:", "+PRINT --msg", ""].join("\n"));
});

test("doc lists only targets whose doc comment starts with their name", () => {
  const { status, stdout } = ebuild("doc", "fixtures/projects/earthly-app");
  assert.equal(status, 0);
  assert.equal(
    stdout,
    ["TARGETS:", "  +hello [--name=world]", "      hello prints a greeting.", "      It is the smallest target here.", "  +release --TAG", "      release saves the image.", ""].join("\n"),
  );
});

test("doc DIR+target shows one target with its args and outputs", () => {
  const { status, stdout } = ebuild("doc", "fixtures/parser/go-service+image");
  assert.equal(status, 0);
  assert.equal(
    stdout,
    ["+image --TAG", "  image is the runtime image.", "", "  REQUIRED ARGS:", "    --TAG", "", "  IMAGES:", "    $REGISTRY/app:$TAG", ""].join("\n"),
  );
});

test("doc --long adds each documented target's args and outputs", () => {
  const { status, stdout } = ebuild("doc", "--long", "fixtures/projects/earthly-app");
  assert.equal(status, 0);
  assert.equal(
    stdout,
    [
      "TARGETS:",
      "  +hello [--name=world]",
      "      hello prints a greeting.",
      "      It is the smallest target here.",
      "",
      "      OPTIONAL ARGS:",
      "        --name=world",
      "          The name to greet.",
      "  +release --TAG",
      "      release saves the image.",
      "",
      "      REQUIRED ARGS:",
      "        --TAG",
      "",
      "      IMAGES:",
      "        app:$TAG",
      "",
    ].join("\n"),
  );
});

test("doc of an undocumented target fails with exit 2", () => {
  const { status, stderr } = ebuild("doc", "fixtures/projects/earthly-app+quiet");
  assert.equal(status, 2);
  assert.match(stderr, /no doc comment found for \+quiet/);
});

test("a Buildfile with syntax errors: every problem on stderr with its line and caret, exit 2", () => {
  const { status, stdout, stderr } = ebuild("ls", "fixtures/parser/err-unknown-command");
  assert.equal(status, 2);
  assert.equal(stdout, "");
  assert.match(stderr, /fixtures\/parser\/err-unknown-command\/Buildfile:4:5: unknown command RUNN\n {2}4 \| {5}RUNN make\n {4}\| {5}\^\^\^\^\n {2}hint: did you mean RUN\?/);
  assert.match(stderr, /Buildfile:5:5: unknown command COPPY/);
  assert.match(stderr, /3 syntax errors in fixtures\/parser\/err-unknown-command\/Buildfile/);
});

test("a directory without a Buildfile or Earthfile is a usage error", () => {
  const { status, stderr } = ebuild("ls", "fixtures/parser");
  assert.equal(status, 2);
  assert.match(stderr, /no Buildfile or Earthfile in fixtures\/parser/);
});

test("debug ast prints the syntax tree as JSON", () => {
  const { status, stdout } = ebuild("debug", "ast", "fixtures/parser/functions/Buildfile");
  assert.equal(status, 0);
  const ast = JSON.parse(stdout) as { functions: { name: string; keyword: string }[]; targets: { name: string }[] };
  assert.deepEqual(ast.functions.map((f) => [f.name, f.keyword]), [["GO_BUILD", "FUNCTION"]]);
  assert.deepEqual(ast.targets.map((t) => t.name), ["build"]);
});
