/**
 * `ebuild ls` through the real CLI process on the fixture projects: what a user sees on stdout, what
 * goes to stderr, and the exit code.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { ebuild, root } from "./support/ebuild-process.js";

const lines = (...l: string[]) => `${l.join("\n")}\n`;

const listings: Array<{ name: string; args: string[]; stdout: string }> = [
  {
    name: "targets sorted, +base included, functions apart",
    args: ["ls", "fixtures/projects/go-service"],
    stdout: lines("+all", "+base", "+build", "+deps", "+docker", "+integration", "+lint", "+test", "", "FUNCTIONS:", "+GO_BUILD"),
  },
  {
    name: "--args lists the ARGs a caller can set, in declaration order (builtins such as TARGETOS left out)",
    args: ["ls", "--args", "fixtures/projects/go-service"],
    stdout: lines(
      "+all",
      "+base",
      "  --GO_VERSION",
      "  --REGISTRY",
      "+build",
      "  --VERSION_TAG",
      "+deps",
      "+docker",
      "  --TAG",
      "+integration",
      "+lint",
      "+test",
      "  --PACKAGES",
      "",
      "FUNCTIONS:",
      "+GO_BUILD",
      "  --pkg",
      "  --out",
    ),
  },
  {
    name: "a directory with only an Earthfile is read",
    args: ["ls", "fixtures/projects/earthly-app"],
    stdout: lines("+base", "+image", "+install", "+undocumented", "+vendor", "+web", "", "FUNCTIONS:", "+PRINT"),
  },
  {
    name: "the Buildfile wins over an Earthfile in the same directory",
    args: ["ls", "fixtures/projects/both"],
    stdout: lines("+base", "+from-buildfile"),
  },
  {
    name: "--long prints references a build command accepts",
    args: ["ls", "--long", "fixtures/projects/both/"],
    stdout: lines("./fixtures/projects/both+base", "./fixtures/projects/both+from-buildfile"),
  },
  {
    name: "a path to the file itself works like its directory",
    args: ["ls", "-l", "fixtures/projects/both/Earthfile"],
    stdout: lines("./fixtures/projects/both+base", "./fixtures/projects/both+from-earthfile"),
  },
];

for (const c of listings) {
  test(`ebuild ls: ${c.name}`, () => {
    const r = ebuild(c.args);
    assert.equal(r.stderr, "");
    assert.equal(r.stdout, c.stdout);
    assert.equal(r.status, 0);
  });
}

test("ebuild ls with no directory lists the current one", () => {
  const r = ebuild(["ls"], path.join(root, "fixtures/projects/both"));
  assert.equal(r.stdout, lines("+base", "+from-buildfile"));
  assert.equal(r.status, 0);
});

test("ebuild ls on a Buildfile with syntax errors prints every problem, positioned, and exits 2", () => {
  const r = ebuild(["ls", "fixtures/projects/broken"]);
  assert.equal(r.status, 2);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /fixtures\/projects\/broken\/Buildfile:5:5: .*RUNN/);
  assert.match(r.stderr, /\n\s+5 \|     RUNN echo hello\n\s+\|     \^+/);
  assert.match(r.stderr, /did you mean RUN\?/);
  // The IF of +test is never closed: reported too, in the same run.
  assert.match(r.stderr, /fixtures\/projects\/broken\/Buildfile:\d+:\d+: missing END/);
  assert.match(r.stderr, /\n2 problems\n$/);
});

const failures: Array<{ name: string; args: string[]; stderr: RegExp }> = [
  { name: "a directory that does not exist", args: ["ls", "fixtures/projects/nowhere"], stderr: /no such file or directory: fixtures\/projects\/nowhere/ },
  { name: "a target instead of a directory", args: ["ls", "fixtures/projects/both+from-buildfile"], stderr: /ls takes a directory, not a target/ },
];

for (const c of failures) {
  test(`ebuild ls given ${c.name} says so and exits 2`, () => {
    const r = ebuild(c.args);
    assert.match(r.stderr, c.stderr);
    assert.equal(r.stdout, "");
    assert.equal(r.status, 2);
  });
}

test("ebuild ls in a directory without a Buildfile or Earthfile says what it looked for and exits 2", () => {
  const empty = mkdtempSync(path.join(os.tmpdir(), "ebuild-ls-"));
  try {
    const r = ebuild(["ls", empty]);
    assert.match(r.stderr, /no Buildfile or Earthfile in /);
    assert.equal(r.status, 2);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});
