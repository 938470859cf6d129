/**
 * LOCALLY through the real `ebuild`: RUN on the host in the Buildfile's directory with the
 * target's ARGs, host files saved as artifacts for other targets and AS LOCAL, failures with
 * their position, and container commands refused at their line.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, test } from "node:test";
import { ebuild, project } from "../support/cli.js";
import { docker } from "../support/docker.js";

const image = `ebuild-locally-use:${process.pid}-${Date.now()}`;
after(async () => {
  await docker(["rmi", image]).catch(() => undefined);
});

const buildfile = `VERSION 0.8
FROM ebuild-fixture/busybox:latest
gen:
    LOCALLY
    ARG NAME=world
    ENV MODE=dev
    RUN echo "hello $NAME in $MODE" > from-host.txt
    WORKDIR sub
    RUN pwd > where.txt
    SAVE ARTIFACT where.txt
    SAVE ARTIFACT where.txt AS LOCAL out/where-copy.txt
use:
    COPY +gen/where.txt /where.txt
    RUN cat /where.txt > /seen.txt
    SAVE IMAGE ${image}
fail:
    LOCALLY
    RUN echo before the failure && exit 3
    SAVE ARTIFACT never.txt AS LOCAL out/never.txt
`;

test("a LOCALLY RUN writes in the project with the target's ARGs; its saved file reaches AS LOCAL and another target's COPY", async () => {
  const dir = await project({ Buildfile: buildfile, "sub/.keep": "" });
  const run = await ebuild(["--progress", "plain", "+gen", "--NAME=ebuild"], { cwd: dir });
  assert.equal(run.code, 0, run.stderr + run.stdout);
  assert.equal(await readFile(join(dir, "from-host.txt"), "utf8"), "hello ebuild in dev\n");
  assert.equal(await readFile(join(dir, "sub/where.txt"), "utf8"), `${join(dir, "sub")}\n`, "WORKDIR moves the host directory");
  assert.equal(await readFile(join(dir, "out/where-copy.txt"), "utf8"), `${join(dir, "sub")}\n`);
  assert.match(run.stdout, /\+gen --NAME=ebuild \| .*LOCALLY RUN echo "hello \$NAME in \$MODE"/, "progress shows the host step under its target");

  const use = await ebuild(["--progress", "plain", "+use"], { cwd: dir });
  assert.equal(use.code, 0, use.stderr + use.stdout);
  const seen = await docker(["run", "--rm", "--network", "none", image, "cat", "/seen.txt"]);
  assert.equal(seen, `${join(dir, "sub")}\n`);
  assert.equal(existsSync(join(dir, "out/where-copy.txt")), true);
});

test("a failing host RUN exits 1 at its line with the exit code and its last output, and writes no outputs", async () => {
  const dir = await project({ Buildfile: buildfile, "never.txt": "x" });
  const run = await ebuild(["--progress", "plain", "+fail"], { cwd: dir });
  assert.equal(run.code, 1, run.stderr + run.stdout);
  assert.match(run.stderr, /Buildfile:18:5: .*LOCALLY RUN echo before the failure && exit 3 did not complete successfully: exit code: 3/);
  assert.match(run.stdout + run.stderr, /before the failure/);
  assert.equal(existsSync(join(dir, "out/never.txt")), false);
});

test("container commands in a LOCALLY target, and FROM of one, are refused at their line", async () => {
  const dir = await project({
    Buildfile: "VERSION 0.8\nFROM ebuild-fixture/busybox:latest\ncopy:\n    LOCALLY\n    COPY a.txt b.txt\nfrom:\n    FROM +host\nhost:\n    LOCALLY\n    RUN true\n",
  });
  const copy = await ebuild(["+copy"], { cwd: dir });
  assert.equal(copy.code, 2, copy.stderr);
  assert.match(copy.stderr, /Buildfile:5:5: COPY is not allowed in a LOCALLY target/);
  const from = await ebuild(["+from"], { cwd: dir });
  assert.equal(from.code, 2, from.stderr);
  assert.match(from.stderr, /Buildfile:7:5: FROM \+host: a LOCALLY target has no image to start from/);
});

test("ebuild plan shows host RUNs as LOCALLY", async () => {
  const dir = await project({ Buildfile: buildfile });
  const shown = await ebuild(["plan", "+use"], { cwd: dir });
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /LOCALLY RUN echo "hello \$NAME in \$MODE" > from-host\.txt Buildfile:7 +runs on the host in \./);
});
