/**
 * `--strict` and `--ci` as a CI job meets them: what another machine could not repeat is refused at
 * its Buildfile line, and --ci writes no local outputs unless --output asks for them.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { ebuild, project } from "../support/cli.js";

const header = "VERSION 0.8\nFROM ebuild-fixture/busybox:latest\nWORKDIR /w\n";

test("--strict and --ci refuse RUN --interactive and LOCALLY at their line, exit 2, and write nothing", async () => {
  const dir = await project({
    Buildfile: `${header}
debug:
    RUN echo built > out.txt
    SAVE ARTIFACT out.txt AS LOCAL out.txt
    RUN --interactive sh
host:
    LOCALLY
    RUN echo on the host
via-build:
    BUILD +debug
`,
  });
  try {
    const loose = await ebuild(["--progress", "plain", "+debug"], { cwd: dir });
    assert.equal(loose.code, 0, "without --strict the RUN runs as a plain RUN: " + loose.stderr + loose.stdout);
    await rm(join(dir, "out.txt"));

    for (const flags of [["--strict"], ["--ci"]]) {
      const run = await ebuild(["--progress", "plain", ...flags, "+via-build"], { cwd: dir });
      assert.equal(run.code, 2, run.stderr + run.stdout);
      assert.match(run.stderr, /Buildfile:8:5: RUN --interactive cannot be used with --strict \(or --ci, which implies it\)/);
      assert.equal(existsSync(join(dir, "out.txt")), false);
    }
    const host = await ebuild(["--progress", "plain", "--ci", "+host"], { cwd: dir });
    assert.equal(host.code, 2, host.stderr + host.stdout);
    assert.match(host.stderr, /Buildfile:10:5: LOCALLY cannot be used with --strict/);
    const fromEnv = await ebuild(["--progress", "plain", "+debug"], { cwd: dir, env: { EBUILD_STRICT: "true" } });
    assert.equal(fromEnv.code, 2, "EBUILD_STRICT=true is --strict: " + fromEnv.stderr);
    assert.match(fromEnv.stderr, /RUN --interactive cannot be used/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("--ci builds everything but writes no local output; --output writes it; --ci sets EBUILD_CI", async () => {
  const dir = await project({
    Buildfile: `${header}
t:
    ARG EBUILD_CI
    RUN echo "ci=$EBUILD_CI" > ci.txt
    SAVE ARTIFACT ci.txt AS LOCAL out/ci.txt
`,
  });
  try {
    const ci = await ebuild(["--progress", "plain", "--ci", "+t"], { cwd: dir });
    assert.equal(ci.code, 0, ci.stderr + ci.stdout);
    assert.equal(existsSync(join(dir, "out")), false, "--ci writes no local output");
    assert.match(ci.stdout + ci.stderr, /local output is off/);

    const withOutput = await ebuild(["--progress", "plain", "--ci", "--output", "+t"], { cwd: dir });
    assert.equal(withOutput.code, 0, withOutput.stderr + withOutput.stdout);
    assert.equal(await readFile(join(dir, "out/ci.txt"), "utf8"), "ci=true\n");

    await rm(join(dir, "out"), { recursive: true });
    const fromEnv = await ebuild(["--progress", "plain", "+t"], { cwd: dir, env: { EARTHLY_CI: "true" } });
    assert.equal(fromEnv.code, 0, fromEnv.stderr + fromEnv.stdout);
    assert.equal(existsSync(join(dir, "out")), false, "EARTHLY_CI=true is --ci");

    const artifactMode = await ebuild(["--progress", "plain", "--ci", "-a", "+t/ci.txt", "got.txt"], { cwd: dir });
    assert.equal(artifactMode.code, 0, artifactMode.stderr + artifactMode.stdout);
    assert.equal(await readFile(join(dir, "got.txt"), "utf8"), "ci=true\n", "artifact mode writes what was asked under --ci");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
