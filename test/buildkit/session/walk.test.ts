import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, symlink, writeFile, link } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { walkContext, type WalkFilter } from "../../../src/buildkit/session/walk.js";
import { GoMode } from "../../../src/buildkit/session/file-mode.js";

async function tree(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "ebuild-walk-"));
  for (const dir of ["src/lib", "src/empty", "docs", "node_modules/pkg", "a.d"]) await mkdir(join(root, dir), { recursive: true });
  const files = ["Buildfile", "README.md", "src/main.ts", "src/lib/util.ts", "src/lib/util.test.ts", "docs/guide.md", "node_modules/pkg/index.js", "a.d/x", "a", "b.log"];
  for (const file of files) await writeFile(join(root, file), file);
  await symlink("src/main.ts", join(root, "entry"));
  await symlink("/etc", join(root, "outside"));
  await symlink("docs", join(root, "linkdir"));
  return root;
}

async function paths(root: string, filter: WalkFilter): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of walkContext(root, filter)) out.push(entry.path);
  return out;
}

test("everything is listed depth first in byte order, symlinks as links without following them", async () => {
  const root = await tree();
  const entries = [];
  for await (const entry of walkContext(root)) entries.push(entry);
  assert.deepEqual(
    entries.map((e) => e.path),
    ["Buildfile", "README.md", "a", "a.d", "a.d/x", "b.log", "docs", "docs/guide.md", "entry", "linkdir", "node_modules", "node_modules/pkg", "node_modules/pkg/index.js", "outside", "src", "src/empty", "src/lib", "src/lib/util.test.ts", "src/lib/util.ts", "src/main.ts"],
  );
  const outside = entries.find((e) => e.path === "outside")!;
  assert.equal(outside.linkname, "/etc");
  assert.ok(outside.mode & GoMode.symlink);
  const dir = entries.find((e) => e.path === "src/empty")!;
  assert.ok(dir.mode & GoMode.dir);
  assert.equal(dir.size, 0n);
  assert.equal(entries.find((e) => e.path === "README.md")!.size, 9n);
});

test("include, exclude and follow-paths select what the daemon asked for", async () => {
  const root = await tree();
  const cases: [string, WalkFilter, string[]][] = [
    ["exclude a directory", { excludePatterns: ["node_modules"] }, ["Buildfile", "README.md", "a", "a.d", "a.d/x", "b.log", "docs", "docs/guide.md", "entry", "linkdir", "outside", "src", "src/empty", "src/lib", "src/lib/util.test.ts", "src/lib/util.ts", "src/main.ts"]],
    ["exclude with an exception", { excludePatterns: ["src", "!src/lib/util.ts", "node_modules", "*.md", "**/*.md", "outside", "linkdir", "entry", "a*", "b.log"] }, ["Buildfile", "docs", "src", "src/lib", "src/lib/util.ts"]],
    ["include a file: its parents come along", { includePatterns: ["src/lib/util.ts"] }, ["src", "src/lib", "src/lib/util.ts"]],
    ["include a directory", { includePatterns: ["docs"] }, ["docs", "docs/guide.md"]],
    ["include by wildcard", { includePatterns: ["**/*.ts"], excludePatterns: ["**/*.test.ts"] }, ["src", "src/lib", "src/lib/util.ts", "src/main.ts"]],
    ["include an empty directory", { includePatterns: ["src/empty"] }, ["src", "src/empty"]],
    ["follow a symlink to its target", { followPaths: ["entry"] }, ["entry", "src", "src/main.ts"]],
    ["follow a symlinked directory", { followPaths: ["linkdir/guide.md"] }, ["docs", "docs/guide.md", "linkdir"]],
    ["follow a link out of the root stays inside the root", { followPaths: ["outside/passwd"] }, ["outside"]],
    ["follow the root means no filter", { followPaths: ["."], includePatterns: ["docs"] }, ["docs", "docs/guide.md"]],
  ];
  for (const [name, filter, expected] of cases) assert.deepEqual(await paths(root, filter), expected, name);
});

test("a second hard link to a file is sent as a link to the first", async () => {
  const root = await mkdtemp(join(tmpdir(), "ebuild-walk-"));
  await writeFile(join(root, "a"), "same");
  await link(join(root, "a"), join(root, "b"));
  const entries = [];
  for await (const entry of walkContext(root)) entries.push(entry);
  assert.deepEqual(entries.map((e) => [e.path, e.linkname, e.size]), [["a", "", 4n], ["b", "a", 0n]]);
});
