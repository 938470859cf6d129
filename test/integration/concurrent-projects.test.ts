/**
 * Two projects built at the same time on one daemon, each COPYing a file of the same name with the
 * same patterns: BuildKit merges ops with equal digests across concurrent builds, so without a
 * per-directory `local.unique` one project was served the other's file (found by the WITH DOCKER
 * --compose tests, whose projects all had a compose.yml).
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { ebuild, project } from "../support/cli.js";

const buildfile = `VERSION 0.8
copied:
    FROM ebuild-fixture/busybox:latest
    WORKDIR /w
    COPY same.txt .
    RUN sleep 2; cat same.txt > out.txt
    SAVE ARTIFACT out.txt AS LOCAL out.txt
`;

test("two projects building at once each get their own files", async () => {
  // Fresh contents each run, so no cache answers for either.
  const contents = [`a ${randomBytes(8).toString("hex")}`, `b ${randomBytes(8).toString("hex")}`];
  const dirs = await Promise.all(contents.map((content) => project({ Buildfile: buildfile, "same.txt": content })));
  const runs = await Promise.all(dirs.map((dir) => ebuild(["--progress", "plain", "+copied"], { cwd: dir })));
  for (const run of runs) assert.equal(run.code, 0, run.stderr);
  const outputs = await Promise.all(dirs.map((dir) => readFile(join(dir, "out.txt"), "utf8")));
  assert.deepEqual(outputs, contents);
});
