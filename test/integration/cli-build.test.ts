/**
 * `ebuild +target` as a user runs it: the real process on projects made for each case, on the
 * real daemon, checked by what lands on disk, the exit code and what it says.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { ebuild, project } from "../support/cli.js";

const header = "VERSION 0.8\nFROM ebuild-fixture/busybox:latest\nWORKDIR /w\n";

test("SAVE effects fire for the invoked target and through BUILD, never through FROM or COPY", async () => {
  const dir = await project({
    Buildfile: `${header}
a:
    RUN echo a > a.txt
    SAVE ARTIFACT a.txt AS LOCAL out/a.txt
b:
    FROM +a
    RUN echo b > b.txt
    SAVE ARTIFACT b.txt AS LOCAL out/b.txt
c:
    COPY +a/a.txt ./from-a.txt
    RUN cat from-a.txt > c.txt && echo c >> c.txt
    SAVE ARTIFACT c.txt AS LOCAL out/c.txt
all:
    BUILD +b
    BUILD +c
both:
    BUILD +all
    BUILD +a
`,
  });
  const first = await ebuild(["--progress", "plain", "+all"], { cwd: dir });
  assert.equal(first.code, 0, first.stderr + first.stdout);
  assert.equal(await readFile(join(dir, "out/b.txt"), "utf8"), "b\n");
  assert.equal(await readFile(join(dir, "out/c.txt"), "utf8"), "a\nc\n");
  assert.equal(existsSync(join(dir, "out/a.txt")), false, "+a is reached only through FROM and COPY");

  const second = await ebuild(["--progress", "plain", "+both"], { cwd: dir });
  assert.equal(second.code, 0, second.stderr + second.stdout);
  assert.equal(await readFile(join(dir, "out/a.txt"), "utf8"), "a\n", "a BUILD reaches +a too");
});

test("build args from the command line reach ARGs, and repeated ones make a matrix through BUILD", async () => {
  const dir = await project({
    Buildfile: `${header}
greet:
    ARG NAME=world
    RUN echo "hello $NAME" > greeting.txt
    SAVE ARTIFACT greeting.txt AS LOCAL out/$NAME.txt
many:
    BUILD +greet --NAME=x --NAME=y
`,
  });
  const single = await ebuild(["--progress", "plain", "+greet", "--NAME=ebuild"], { cwd: dir });
  assert.equal(single.code, 0, single.stderr + single.stdout);
  assert.equal(await readFile(join(dir, "out/ebuild.txt"), "utf8"), "hello ebuild\n");
  const matrix = await ebuild(["--progress", "plain", "+many"], { cwd: dir });
  assert.equal(matrix.code, 0, matrix.stderr + matrix.stdout);
  assert.equal(await readFile(join(dir, "out/x.txt"), "utf8"), "hello x\n");
  assert.equal(await readFile(join(dir, "out/y.txt"), "utf8"), "hello y\n");
});

test("a failing build exits 1, shows the failing command and leaves earlier outputs as they were", async () => {
  const dir = await project({
    Buildfile: `${header}
t:
    RUN echo good > r.txt
    SAVE ARTIFACT r.txt AS LOCAL r.txt
`,
  });
  assert.equal((await ebuild(["--progress", "plain", "+t"], { cwd: dir })).code, 0);
  await writeFile(
    join(dir, "Buildfile"),
    `${header}
t:
    RUN echo changed > r.txt
    SAVE ARTIFACT r.txt AS LOCAL r.txt
    RUN echo about to fail && exit 3
`,
  );
  const failed = await ebuild(["--progress", "plain", "+t"], { cwd: dir });
  assert.equal(failed.code, 1, failed.stderr + failed.stdout);
  assert.match(failed.stdout + failed.stderr, /exit 3/);
  // The failing RUN's own position: line 8, column 5 (after four spaces of indentation).
  assert.match(failed.stderr, /^error: Buildfile:8:5: /m);
  assert.match(failed.stdout + failed.stderr, /failed at Buildfile:8:5\n +RUN echo about to fail && exit 3/);
  assert.equal(await readFile(join(dir, "r.txt"), "utf8"), "good\n");
});

test("secrets reach RUN --secret and are redacted from everything ebuild prints", async () => {
  const dir = await project({
    Buildfile: `${header}
t:
    # A fresh line each run: BuildKit caches a RUN regardless of its secret's value.
    RUN echo run-${process.pid}-${Date.now()}
    RUN --secret TOKEN=token sh -c 'echo "token is $TOKEN"; echo -n "$TOKEN" | wc -c > len.txt'
    SAVE ARTIFACT len.txt AS LOCAL len.txt
`,
  });
  const value = "s3cr3t-value-42";
  const run = await ebuild(["--progress", "plain", "-s", `token=${value}`, "+t"], { cwd: dir });
  assert.equal(run.code, 0, run.stderr + run.stdout);
  assert.equal((await readFile(join(dir, "len.txt"), "utf8")).trim(), String(value.length));
  assert.ok(!(run.stdout + run.stderr).includes(value), "the secret value never appears in the output");
  assert.match(run.stdout, /token is \*\*\*/);
  const missing = await ebuild(["--progress", "plain", "+t"], { cwd: dir });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--secret token=VALUE/);
});

test("bad input: a syntax error, an unknown target and an output outside the project exit 2 and write nothing", async () => {
  const dir = await project({
    Buildfile: `${header}
t:
    RUNN echo typo
escape:
    RUN echo x > x.txt
    SAVE ARTIFACT x.txt AS LOCAL ../escaped.txt
`,
  });
  const syntax = await ebuild(["--progress", "plain", "+t"], { cwd: dir });
  assert.equal(syntax.code, 2);
  assert.match(syntax.stderr, /Buildfile:6:5: unknown command RUNN/);
  assert.match(syntax.stderr, /did you mean RUN\?/);
  assert.doesNotMatch(syntax.stderr, /Buildfile:6:5: \S*Buildfile:6:5/);

  await writeFile(join(dir, "Buildfile"), `${header}\nescape:\n    RUN echo x > x.txt\n    SAVE ARTIFACT x.txt AS LOCAL ../escaped.txt\n`);
  const unknown = await ebuild(["--progress", "plain", "+nope"], { cwd: dir });
  assert.equal(unknown.code, 2, unknown.stderr);
  assert.match(unknown.stderr, /nope/);
  const escape = await ebuild(["--progress", "plain", "+escape"], { cwd: dir });
  assert.equal(escape.code, 2, escape.stderr + escape.stdout);
  assert.equal(existsSync(join(dir, "..", "escaped.txt")), false);
});

test("a Buildfile error deep in the graph names the chain of targets with their args, never a secret", async () => {
  const dir = await project({
    Buildfile: `${header}
leaf:
    ARG --required NEED
    RUN echo $NEED
mid:
    ARG X
    RUN --secret T=token echo uses a secret
    BUILD +leaf --OTHER=$X
top:
    BUILD +mid --X=hello
`,
  });
  const run = await ebuild(["--progress", "plain", "-s", "token=hunter2-secret", "+top"], { cwd: dir });
  assert.equal(run.code, 2, run.stderr + run.stdout);
  assert.match(run.stderr, /Buildfile:6:5: ARG NEED is required but no value was given\nreached through \+top → \+mid --X=hello → \+leaf --OTHER=hello --X=hello\n/);
  assert.ok(!(run.stdout + run.stderr).includes("hunter2-secret"));
});
