/**
 * Test helper: generates a build-context-like tree and describes trees for comparison (bytes, modes,
 * mtimes, links), so a transfer can be checked entry by entry.
 */
import { createHash, randomBytes } from "node:crypto";
import { lstat, link, mkdir, readFile, readdir, readlink, symlink, utimes, writeFile, chmod, lutimes } from "node:fs/promises";
import { join } from "node:path";
import assert from "node:assert/strict";

export interface TreeOptions {
  /** Number of small files spread over nested directories. */
  files: number;
  /** Size of the one large file, in bytes. */
  largeBytes: number;
}

/** Writes the tree under `root` (which must exist). Timestamps carry sub-second parts on purpose. */
export async function generateTree(root: string, options: TreeOptions): Promise<void> {
  for (let i = 0; i < options.files; i++) {
    const dir = join(root, `dir${i % 7}`, `sub${i % 3}`, ...(i % 5 === 0 ? ["deeper"] : []));
    await mkdir(dir, { recursive: true });
    const file = join(dir, `file-${i}.txt`);
    await writeFile(file, `file ${i}\n`.repeat(1 + (i % 13)));
    if (i % 11 === 0) await chmod(file, 0o755);
    if (i % 17 === 0) await chmod(file, 0o600);
    await utimes(file, 1_600_000_000 + i + 0.123456, 1_600_000_000 + i + 0.123456);
  }
  await mkdir(join(root, "empty", "nested-empty"), { recursive: true });
  await writeFile(join(root, "large.bin"), randomBytes(options.largeBytes));
  await writeFile(join(root, "ignored.secret"), "must not be sent");
  await symlink("dir1/sub1/file-1.txt", join(root, "link-to-file"));
  await link(join(root, "dir3/sub0/file-3.txt"), join(root, "hardlink-to-file-3"));
  await symlink("../../outside", join(root, "link-outside"));
  await symlink("dir2", join(root, "link-to-dir"));
  await lutimes(join(root, "link-to-dir"), 1_500_000_000, 1_500_000_000);
  await utimes(join(root, "empty"), 1_400_000_000.5, 1_400_000_000.5);
}

/** What a transfer must preserve about one entry. */
export interface EntryDescription {
  type: "file" | "dir" | "symlink";
  permissions: number;
  /** Nanoseconds; compare with sameTree, which allows for the receiver's sub-microsecond loss. */
  mtimeNs: bigint;
  sha256?: string;
  /** Hard links to the same file, for files. */
  links?: number;
  linkname?: string;
}

/** Describes every entry under `root` by relative path; directory times only when `dirTimes`. */
export async function describeTree(root: string, options: { dirTimes?: boolean } = {}): Promise<Map<string, EntryDescription>> {
  const out = new Map<string, EntryDescription>();
  const visit = async (dir: string, prefix: string) => {
    for (const name of (await readdir(dir)).sort()) {
      const path = prefix === "" ? name : `${prefix}/${name}`;
      const full = join(dir, name);
      const stats = await lstat(full, { bigint: true });
      const common = { permissions: Number(stats.mode & 0o7777n), mtimeNs: stats.mtimeNs };
      if (stats.isSymbolicLink()) {
        out.set(path, { type: "symlink", ...common, permissions: 0, linkname: await readlink(full) });
      } else if (stats.isDirectory()) {
        out.set(path, { type: "dir", ...common, mtimeNs: options.dirTimes ? common.mtimeNs : 0n });
        await visit(full, path);
      } else {
        const sha256 = createHash("sha256").update(await readFile(full)).digest("hex");
        out.set(path, { type: "file", ...common, sha256, links: Number(stats.nlink) });
      }
    }
  };
  await visit(root, "");
  return out;
}

/**
 * Asserts two described trees are the same. Modification times keep whole microseconds:
 * Node sets times from a double number of seconds, and libuv keeps whole microseconds of it.
 */
export function assertSameTree(actual: Map<string, EntryDescription>, expected: Map<string, EntryDescription>): void {
  const withoutTimes = (tree: Map<string, EntryDescription>) => new Map([...tree].map(([path, entry]) => [path, { ...entry, mtimeNs: 0n }]));
  assert.deepEqual(withoutTimes(actual), withoutTimes(expected));
  for (const [path, entry] of expected) {
    const drift = actual.get(path)!.mtimeNs - entry.mtimeNs;
    assert.ok(drift > -1000n && drift <= 0n, `${path}: mtime ${actual.get(path)!.mtimeNs} vs ${entry.mtimeNs}`);
  }
}
