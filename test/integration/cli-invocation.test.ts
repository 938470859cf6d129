/**
 * How a command line names what to build: several targets in one call, each with its own args,
 * `-C DIR`, and WAIT blocks whose outputs are written before the rest of the build goes on.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { ebuild, project } from "../support/cli.js";

const header = "VERSION 0.8\nFROM ebuild-fixture/busybox:latest\nWORKDIR /w\n";

test("-C DIR with several targets, each followed by its own args, builds them all", async () => {
  const dir = await project({
    "sub/Buildfile": `${header}
a:
    ARG N=1
    RUN echo "a $N" > a.txt
    SAVE ARTIFACT a.txt AS LOCAL out/a-$N.txt
b:
    ARG N=1
    RUN echo "b $N" > b.txt
    SAVE ARTIFACT b.txt AS LOCAL out/b-$N.txt
`,
  });
  try {
    const run = await ebuild(["--progress", "plain", "-C", "sub", "+a", "--N=2", "+b", "--N", "3", "./+a"], { cwd: dir });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.equal(await readFile(join(dir, "sub/out/a-2.txt"), "utf8"), "a 2\n");
    assert.equal(await readFile(join(dir, "sub/out/b-3.txt"), "utf8"), "b 3\n");
    assert.equal(await readFile(join(dir, "sub/out/a-1.txt"), "utf8"), "a 1\n", "the last +a has no args");
    assert.equal(existsSync(join(dir, "out")), false, "-C: outputs land in sub/, not where ebuild started");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("a WAIT block's outputs are written before what follows it, even when that fails", async () => {
  const dir = await project({
    Buildfile: `${header}
early:
    RUN echo early > e.txt
    SAVE ARTIFACT e.txt AS LOCAL out/early.txt
late:
    RUN echo late > l.txt
    SAVE ARTIFACT l.txt AS LOCAL out/late.txt
    RUN test -f /nonexistent-${process.pid}
all:
    WAIT
        BUILD +early
    END
    BUILD +late
`,
  });
  try {
    const run = await ebuild(["--progress", "plain", "+all"], { cwd: dir });
    assert.equal(run.code, 1, run.stderr + run.stdout);
    assert.equal(await readFile(join(dir, "out/early.txt"), "utf8"), "early\n", "flushed at END");
    assert.equal(existsSync(join(dir, "out/late.txt")), false, "the failing phase writes nothing");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
