/**
 * A LOCALLY target's IF, FOR and `$(...)` through the real `ebuild` and daemon: the branch is
 * picked by a host file's presence, FOR iterates host files, `$(...)` reads host files, all seen
 * through what the host RUNs and SAVE ARTIFACT … AS LOCAL write. A host RUN planned before such
 * a command runs first, once. A failing one stops before anything else runs; `ebuild plan` runs
 * them only when asked, and never a RUN.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { ebuild, project } from "../support/cli.js";

const buildfile = `VERSION 0.8
FROM ebuild-fixture/busybox:latest
pick:
    LOCALLY
    ARG OUT=out
    LET version = $(cat version.txt)
    IF [ -f flag.txt ]
        FOR f IN $(ls inputs)
            RUN mkdir -p $OUT && cp inputs/$f $OUT/$f.copy
        END
    ELSE
        RUN mkdir -p $OUT && echo "no flag in $version" > $OUT/none.txt
    END
    RUN echo "$version" > version-seen.txt
    SAVE ARTIFACT version-seen.txt AS LOCAL saved/version.txt
broken:
    LOCALLY
    LET v = $(cat missing.txt)
    RUN touch ran.txt
    SAVE ARTIFACT ran.txt AS LOCAL saved/ran.txt
late:
    LOCALLY
    RUN echo ran >> log.txt
    IF grep -q ran log.txt
        RUN echo "$(wc -l < log.txt) line" > branch.txt
    END
failfirst:
    LOCALLY
    RUN echo partial && exit 4
    IF true
        RUN touch after.txt
    END
    SAVE ARTIFACT Buildfile AS LOCAL saved/never
`;

const files = { Buildfile: buildfile, "version.txt": "1.2.3\n", "inputs/a.txt": "A", "inputs/b.txt": "B" };

test("a LOCALLY IF picks its branch from a host file, and FOR copies each host file the list names", async () => {
  const dir = await project({ ...files, "flag.txt": "" });
  const run = await ebuild(["--progress", "plain", "+pick"], { cwd: dir });
  assert.equal(run.code, 0, run.stderr + run.stdout);
  assert.equal(await readFile(join(dir, "out/a.txt.copy"), "utf8"), "A");
  assert.equal(await readFile(join(dir, "out/b.txt.copy"), "utf8"), "B");
  assert.equal(existsSync(join(dir, "out/none.txt")), false, "the ELSE branch did not run");
  assert.equal(await readFile(join(dir, "saved/version.txt"), "utf8"), "1.2.3\n", "$(...) read the host file, its trailing newline trimmed");
});

test("without the host file the ELSE branch runs, with the value $(...) read on the host", async () => {
  const dir = await project(files);
  const run = await ebuild(["--progress", "plain", "+pick"], { cwd: dir });
  assert.equal(run.code, 0, run.stderr + run.stdout);
  assert.equal(await readFile(join(dir, "out/none.txt"), "utf8"), "no flag in 1.2.3\n");
  assert.equal(existsSync(join(dir, "out/a.txt.copy")), false, "the IF branch did not run");
});

test("a failing host $(...) stops at its Buildfile:line:col before anything runs or is written", async () => {
  const dir = await project(files);
  const run = await ebuild(["--progress", "plain", "+broken"], { cwd: dir });
  assert.equal(run.code, 2, run.stderr + run.stdout);
  assert.match(run.stderr, /Buildfile:18:13: \$\(cat missing\.txt\) failed: exited with status 1/);
  assert.match(run.stderr, /missing\.txt: No such file or directory/, "the command's error output is the hint");
  assert.equal(existsSync(join(dir, "ran.txt")), false);
  assert.equal(existsSync(join(dir, "saved/ran.txt")), false);
});

test("an IF after a host RUN sees what the RUN did, and the RUN runs once", async () => {
  const dir = await project(files);
  const run = await ebuild(["--progress", "plain", "+late"], { cwd: dir });
  assert.equal(run.code, 0, run.stderr + run.stdout);
  assert.equal(await readFile(join(dir, "log.txt"), "utf8"), "ran\n", "the RUN that ran while planning did not run again");
  assert.equal(await readFile(join(dir, "branch.txt"), "utf8"), "1 line\n", "the IF saw the RUN's file");
  assert.match(run.stdout, /\+late \| .*LOCALLY RUN echo ran >> log\.txt/, "progress shows the RUN that ran while planning");

  const plan = await ebuild(["plan", "--host-commands", "+late"], { cwd: dir });
  assert.equal(plan.code, 2, plan.stderr);
  assert.match(plan.stderr, /Buildfile:24:5: IF grep -q ran log\.txt would run on the host after the LOCALLY RUN of \+late at Buildfile:23, and no RUN may run here/);
  assert.equal(await readFile(join(dir, "log.txt"), "utf8"), "ran\n", "ebuild plan ran no RUN");
});

test("ebuild plan runs a LOCALLY target's conditions only with --host-commands, and then lists them", async () => {
  const dir = await project({ ...files, "flag.txt": "" });
  const refused = await ebuild(["plan", "+pick"], { cwd: dir });
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /Buildfile:6:19: \$\(cat version\.txt\) in a LOCALLY target runs on the host, and nothing may run on the host here/);
  assert.match(refused.stderr, /ebuild plan --host-commands/);

  const shown = await ebuild(["plan", "--host-commands", "+pick"], { cwd: dir });
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /LOCALLY \$\(cat version\.txt\) Buildfile:6 +ran on the host while planning → "1\.2\.3"/);
  assert.match(shown.stdout, /LOCALLY IF \[ -f flag\.txt \] Buildfile:7 +ran on the host while planning → true/);
  assert.match(shown.stdout, /LOCALLY RUN mkdir -p \$OUT && cp inputs\/\$f \$OUT\/\$f\.copy Buildfile:9/);
  assert.equal(existsSync(join(dir, "out")), false, "plan runs no host RUN");
});

test("a host RUN that fails while planning stops the build at its line with exit 1; nothing after it runs or is written", async () => {
  const dir = await project(files);
  const run = await ebuild(["--progress", "plain", "+failfirst"], { cwd: dir });
  assert.equal(run.code, 1, run.stderr + run.stdout);
  assert.match(run.stderr, /Buildfile:29:5: \+failfirst LOCALLY RUN echo partial && exit 4 did not complete successfully: exit code: 4/);
  assert.equal(existsSync(join(dir, "after.txt")), false);
  assert.equal(existsSync(join(dir, "saved/never")), false);
});
