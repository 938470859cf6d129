import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, mkdir, readFile, readdir, symlink, writeFile, readlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OutputTransaction } from "../../src/cli/outputs/output-transaction.js";
import { resolveOutputPath } from "../../src/cli/outputs/safe-path.js";
import { EbuildError } from "../../src/errors.js";

async function project(): Promise<string> {
  return mkdtemp(join(tmpdir(), "ebuild-out-"));
}

async function tree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  async function walk(at: string, prefix: string): Promise<void> {
    for (const entry of (await readdir(at, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) await walk(path, `${prefix}${entry.name}/`);
      else if (entry.isSymbolicLink()) out[`${prefix}${entry.name}`] = `-> ${await readlink(path)}`;
      else out[`${prefix}${entry.name}`] = await readFile(path, "utf8");
    }
  }
  await walk(dir, "");
  return out;
}

async function stage(tx: OutputTransaction, base: string, files: Record<string, string>): Promise<string> {
  const folder = await tx.stagingFolder(base);
  for (const [name, content] of Object.entries(files)) {
    await mkdir(join(folder, name, ".."), { recursive: true });
    await writeFile(join(folder, name), content);
  }
  return folder;
}

test("a committed build places a file, replaces a directory and merges a glob, leaving no staging behind", async () => {
  const base = await project();
  await mkdir(join(base, "dist/old"), { recursive: true });
  await writeFile(join(base, "dist/old/stale.txt"), "stale");
  await mkdir(join(base, "merged"), { recursive: true });
  await writeFile(join(base, "merged/kept.txt"), "kept");
  await writeFile(join(base, "merged/over.txt"), "before");

  const tx = new OutputTransaction();
  const file = await stage(tx, base, { "bin": "binary" });
  tx.add({ staged: join(file, "bin"), destination: join(base, "out/bin"), shape: "file" });
  const dir = await stage(tx, base, { "new/a.txt": "a" });
  tx.add({ staged: join(dir, "new"), destination: join(base, "dist"), shape: "replace" });
  const glob = await stage(tx, base, { "over.txt": "after", "sub/x.txt": "x" });
  tx.add({ staged: glob, destination: join(base, "merged"), shape: "merge" });
  await tx.commit();

  assert.deepEqual(await tree(base), {
    "dist/a.txt": "a",
    "merged/kept.txt": "kept",
    "merged/over.txt": "after",
    "merged/sub/x.txt": "x",
    "out/bin": "binary",
  });
});

test("an aborted build leaves earlier outputs exactly as they were", async () => {
  const base = await project();
  await writeFile(join(base, "result.txt"), "from the last good build");
  const tx = new OutputTransaction();
  const folder = await stage(tx, base, { "result.txt": "half-done" });
  tx.add({ staged: join(folder, "result.txt"), destination: join(base, "result.txt"), shape: "file" });
  await tx.abort();
  assert.deepEqual(await tree(base), { "result.txt": "from the last good build" });
});

test("two transactions writing the same directory leave it whole, from one of them", async () => {
  const base = await project();
  const runs = await Promise.all(
    ["one", "two"].map(async (name) => {
      const tx = new OutputTransaction();
      const files: Record<string, string> = {};
      for (let i = 0; i < 50; i++) files[`d/f${i}.txt`] = name;
      const folder = await stage(tx, base, files);
      tx.add({ staged: join(folder, "d"), destination: join(base, "out"), shape: "replace" });
      return tx;
    }),
  );
  await Promise.all(runs.map((tx) => tx.commit()));
  const contents = new Set(Object.values(await tree(base)));
  assert.equal(contents.size, 1, "every file comes from the same run");
  assert.equal(Object.keys(await tree(base)).length, 50);
});

test("output paths may not leave the project", async (t) => {
  const base = await project();
  const outside = await project();
  await symlink(outside, join(base, "planted"));
  const cases: Array<[string, RegExp]> = [
    ["../escape.txt", /leaves/],
    ["/etc/passwd-copy", /leaves/],
    ["a/../../escape", /leaves/],
    ["planted/file.txt", /symlink/],
    ["planted", /symlink/],
  ];
  for (const [destination, message] of cases) {
    await t.test(destination, async () => {
      await assert.rejects(resolveOutputPath(base, destination), (error: unknown) => {
        assert.ok(error instanceof EbuildError);
        assert.match(error.message, message);
        return true;
      });
    });
  }
  assert.equal(await resolveOutputPath(base, "dist/./a.txt"), join(base, "dist/a.txt"));
  assert.equal(await resolveOutputPath(base, "../elsewhere", true), join(base, "../elsewhere"));
});

test("exports staged at the same time near one place leave no staging folder behind", async () => {
  const base = await project();
  const tx = new OutputTransaction();
  const folders = await Promise.all([1, 2, 3].map(() => tx.stagingFolder(base)));
  await Promise.all(folders.map((folder, i) => writeFile(join(folder, "f"), String(i))));
  folders.forEach((folder, i) => tx.add({ staged: join(folder, "f"), destination: join(base, `f${i}`), shape: "file" }));
  await tx.commit();
  assert.deepEqual(await tree(base), { f0: "0", f1: "1", f2: "2" });
});

test("deferred outputs (image names) are done at commit, after the files, and undone at abort", async () => {
  const dir = await project();
  const events: string[] = [];
  const committed = new OutputTransaction();
  const staged = join(await committed.stagingFolder(dir), "f");
  await writeFile(staged, "x");
  committed.add({ staged, destination: join(dir, "f"), shape: "file" });
  committed.defer({ commit: async () => void events.push(`commit sees file: ${await readFile(join(dir, "f"), "utf8")}`), abort: async () => void events.push("abort 1") });
  await committed.commit();
  assert.deepEqual(events, ["commit sees file: x"]);

  const aborted = new OutputTransaction();
  aborted.defer({ commit: async () => void events.push("commit 2"), abort: async () => void events.push("abort 2") });
  await aborted.abort();
  assert.deepEqual(events, ["commit sees file: x", "abort 2"]);
});
