/** SAVE ARTIFACT … AS LOCAL in each of its shapes, as a user finds them on disk after `ebuild`. */
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { test } from "node:test";
import { ebuild, project } from "../support/cli.js";

async function files(dir: string, under: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(at: string): Promise<void> {
    for (const entry of await readdir(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) await walk(path);
      else out.push(`${relative(dir, path)}=${(await readFile(path, "utf8")).trim()}`);
    }
  }
  await walk(join(dir, under));
  return out.sort();
}

test("AS LOCAL writes a file, replaces a directory, puts a directory into dir/, and merges a glob keeping subfolders", async () => {
  const dir = await project({
    Buildfile: `VERSION 0.8
FROM ebuild-fixture/busybox:latest
WORKDIR /w

d:
    RUN mkdir -p out/sub && echo 1 > out/a && echo 2 > out/sub/b
    SAVE ARTIFACT out AS LOCAL build
    SAVE ARTIFACT out/a AS LOCAL single
    SAVE ARTIFACT out/* AS LOCAL merged/
    SAVE ARTIFACT out AS LOCAL into/
`,
    "build/stale": "old",
    "merged/keep": "kept",
  });
  const run = await ebuild(["--progress", "plain", "+d"], { cwd: dir });
  assert.equal(run.code, 0, run.stderr + run.stdout);
  assert.deepEqual(await files(dir, "build"), ["build/a=1", "build/sub/b=2"], "a directory replaces the destination");
  assert.equal(await readFile(join(dir, "single"), "utf8"), "1\n");
  assert.deepEqual(await files(dir, "merged"), ["merged/a=1", "merged/keep=kept", "merged/sub/b=2"], "a glob merges, keeping subfolders");
  assert.deepEqual(await files(dir, "into"), ["into/out/a=1", "into/out/sub/b=2"]);
});
