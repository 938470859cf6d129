/**
 * COPY as a user sees it after `ebuild`: every flag, globs, and artifacts of targets given args,
 * in this Buildfile and others, checked in the files the build saves.
 */
import assert from "node:assert/strict";
import { readFile, utimes } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { ebuild, project } from "../../support/cli.js";

const header = "VERSION 0.8\nFROM ebuild-fixture/busybox:latest\nWORKDIR /w\n";

test("COPY --chmod, --chown, --keep-ts (else the constant time), --if-exists, --dir, globs, and (+t/path --A=v) from here, ./dir and ../", async () => {
  const dir = await project({
    Buildfile: `${header}
art:
    ARG A=default
    RUN mkdir -p out && echo "art $A" > out/art.txt
    SAVE ARTIFACT out/art.txt

copies:
    COPY --chmod=0741 src/a.txt chmod.txt
    COPY --chown=123:456 src/a.txt chown.txt
    COPY --keep-ts src/a.txt keep.txt
    COPY src/a.txt const.txt
    COPY --if-exists src/a.txt present.txt
    COPY --if-exists src/missing.txt absent/
    COPY --if-exists nowhere/missing.txt absent/
    COPY --if-exists (+art/nowhere/none.txt --A=x) absent/
    COPY --dir src/sub dir/
    COPY src/sub contents/
    COPY src/*.txt glob/
    COPY (+art/art.txt --A=v) args.txt
    COPY ./lib+art/lib.txt lib.txt
    COPY (./lib+art/lib.txt --A=w) lib-args.txt
    RUN stat -c '%n %a %u:%g %Y' chmod.txt chown.txt keep.txt const.txt present.txt > stat.txt
    RUN ls -A absent > absent.txt; find dir contents glob -type f | sort > tree.txt
    RUN cat args.txt lib.txt lib-args.txt > arts.txt
    SAVE ARTIFACT stat.txt AS LOCAL out/
    SAVE ARTIFACT absent.txt AS LOCAL out/
    SAVE ARTIFACT tree.txt AS LOCAL out/
    SAVE ARTIFACT arts.txt AS LOCAL out/
`,
    "lib/Buildfile": `${header}
art:
    ARG A=default
    COPY ../+art/art.txt parent.txt
    RUN echo "lib $A, $(cat parent.txt)" > lib.txt
    SAVE ARTIFACT lib.txt
`,
    "src/a.txt": "a\n",
    "src/b.md": "b\n",
    "src/sub/c.txt": "c\n",
  });
  await utimes(join(dir, "src/a.txt"), 981173106, 981173106);
  const run = await ebuild(["--progress", "plain", "+copies"], { cwd: dir });
  assert.equal(run.code, 0, run.stderr + run.stdout);
  const saved = (name: string) => readFile(join(dir, "out", name), "utf8");
  const constantTime = "1587038400"; // 2020-04-16 12:00:00 UTC
  assert.deepEqual((await saved("stat.txt")).trim().split("\n"), [
    `chmod.txt 741 0:0 ${constantTime}`,
    `chown.txt 644 123:456 ${constantTime}`,
    "keep.txt 644 0:0 981173106",
    `const.txt 644 0:0 ${constantTime}`,
    `present.txt 644 0:0 ${constantTime}`,
  ]);
  assert.equal(await saved("absent.txt"), "", "--if-exists copies nothing for a missing file, even under a missing directory");
  assert.deepEqual((await saved("tree.txt")).trim().split("\n"), ["contents/c.txt", "dir/sub/c.txt", "glob/a.txt"], "--dir keeps the directory; without it its contents; a glob picks matches");
  assert.equal(await saved("arts.txt"), "art v\nlib default, art default\nlib w, art default\n", "artifact args reach that invocation only; ../ reaches the parent Buildfile");
});

test("COPY of a missing file without --if-exists fails the build at its line", async () => {
  const dir = await project({ Buildfile: `${header}\nt:\n    COPY src/missing.txt ./\n    SAVE ARTIFACT missing.txt AS LOCAL out/\n` });
  const run = await ebuild(["--progress", "plain", "+t"], { cwd: dir });
  assert.equal(run.code, 1, run.stderr + run.stdout);
  assert.match(run.stderr + run.stdout, /Buildfile:6:5/);
});
