/**
 * `ebuild fmt` through the real CLI process: printing, `--check` for CI (a unified diff and exit 1,
 * exit 0 when formatted), `--write` in place (only changed files, mode kept, atomically), and a
 * file with syntax errors (exit 2, positioned problems, nothing written).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync, chmodSync } from "node:fs";
import { join } from "node:path";
import { ebuild, project } from "../support/cli.js";

const messy = "VERSION 0.8\nFROM busybox\nbuild:\n  RUN   echo  hi\n  SAVE IMAGE --cache-from reg.test/a:c reg.test/a\n";
const tidy = "VERSION 0.8\nFROM busybox\n\nbuild:\n    RUN echo  hi\n    SAVE IMAGE --cache-from=reg.test/a:c reg.test/a\n";
const broken = "build:\n    RUNN echo hi\n";

test("ebuild fmt prints the formatted Buildfile of the current directory", async () => {
  const dir = await project({ Buildfile: messy });
  const run = await ebuild(["fmt"], { cwd: dir });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, tidy);
  assert.equal(readFileSync(join(dir, "Buildfile"), "utf8"), messy, "printing changes nothing");
});

test("ebuild fmt --check shows a unified diff and exits 1 when a file is not formatted", async () => {
  const dir = await project({ Buildfile: messy, "sub/Earthfile": tidy });
  const run = await ebuild(["fmt", "--check", "Buildfile", "sub"], { cwd: dir });
  assert.equal(run.code, 1);
  assert.match(run.stdout, /^--- a\/Buildfile\n\+\+\+ b\/Buildfile\n@@ /);
  assert.ok(!run.stdout.includes("sub/Earthfile"), "a formatted file has no diff");
  assert.match(run.stderr, /1 of 2 files not formatted/);
  assert.equal(readFileSync(join(dir, "Buildfile"), "utf8"), messy, "--check changes nothing");
  // The diff is a real patch: applied, it formats the file.
  execFileSync("git", ["init", "-q", dir]);
  execFileSync("git", ["apply"], { cwd: dir, input: run.stdout });
  assert.equal(readFileSync(join(dir, "Buildfile"), "utf8"), tidy);
});

test("ebuild fmt --check exits 0 and prints nothing when every file is formatted", async () => {
  const dir = await project({ Buildfile: tidy });
  const run = await ebuild(["fmt", "--check"], { cwd: dir });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, "");
});

test("ebuild fmt --write rewrites only the files that change, keeping their mode", async () => {
  const dir = await project({ "a/Buildfile": messy, "b/Buildfile": tidy });
  chmodSync(join(dir, "a/Buildfile"), 0o640);
  const untouched = statSync(join(dir, "b/Buildfile"));
  const run = await ebuild(["fmt", "--write", "a", "b"], { cwd: dir });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, "formatted a/Buildfile\n");
  assert.equal(readFileSync(join(dir, "a/Buildfile"), "utf8"), tidy);
  assert.equal(statSync(join(dir, "a/Buildfile")).mode & 0o777, 0o640);
  assert.equal(statSync(join(dir, "b/Buildfile")).ino, untouched.ino, "a formatted file is not rewritten");
  assert.deepEqual(readdirSync(join(dir, "a")), ["Buildfile"], "no temp file is left behind");
  const again = await ebuild(["fmt", "--check", "a", "b"], { cwd: dir });
  assert.equal(again.code, 0);
});

test("a Buildfile with syntax errors exits 2 with positioned problems, and no file is written", async () => {
  const dir = await project({ "ok/Buildfile": messy, "bad/Buildfile": broken });
  const run = await ebuild(["fmt", "--write", "ok", "bad"], { cwd: dir });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /bad\/Buildfile:2:5: unknown command RUNN/);
  assert.equal(run.stdout, "");
  assert.equal(readFileSync(join(dir, "ok/Buildfile"), "utf8"), messy, "nothing is written when any file has errors");
  assert.equal(readFileSync(join(dir, "bad/Buildfile"), "utf8"), broken);
});

test("--check with --write, several files to print, or a missing path are usage errors (exit 2)", async () => {
  const dir = await project({ "a/Buildfile": tidy, "b/Buildfile": tidy });
  for (const args of [["fmt", "--check", "--write"], ["fmt", "a", "b"], ["fmt", "nowhere"]]) {
    const run = await ebuild(args, { cwd: dir });
    assert.equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
  }
});
