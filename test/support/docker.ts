/**
 * Test helper: the docker CLI, for looking at what a build left in Docker's image store.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Runs `docker args…` and returns its stdout; rejects with stderr in the message on failure. */
export async function docker(args: string[], options: { maxBuffer?: number } = {}): Promise<string> {
  const { stdout } = await run("docker", args, { maxBuffer: options.maxBuffer ?? 64 * 1024 * 1024 });
  return stdout;
}

/** `docker save` of `image` as bytes (an image archive with every layer and the config). */
export async function dockerSave(image: string): Promise<Buffer> {
  const { stdout } = await run("docker", ["save", image], { encoding: "buffer", maxBuffer: 512 * 1024 * 1024 });
  return stdout;
}

/** Every path in every layer of `image` (from `docker save`), e.g. "etc/passwd". */
export async function layerPaths(image: string): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), "ebuild-save-"));
  try {
    await run("docker", ["save", "-o", join(dir, "image.tar"), image]);
    await run("tar", ["-xf", join(dir, "image.tar"), "-C", dir]);
    const manifest = JSON.parse(await readFile(join(dir, "manifest.json"), "utf8")) as Array<{ Layers: string[] }>;
    const paths: string[] = [];
    for (const layer of manifest.flatMap((m) => m.Layers)) {
      const { stdout } = await run("tar", ["-tf", join(dir, layer)], { maxBuffer: 64 * 1024 * 1024 });
      paths.push(...stdout.split("\n").filter((line) => line !== ""));
    }
    return paths;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The image's inspect JSON, as `docker image inspect` prints it. */
export async function inspectImage(image: string): Promise<{ Id: string; RepoTags: string[]; Config: Record<string, unknown> }> {
  const [inspected] = JSON.parse(await docker(["image", "inspect", image]));
  return inspected;
}

/** Removes images by name, ignoring names that are already gone. */
export async function removeImages(names: string[]): Promise<void> {
  if (names.length > 0) await run("docker", ["image", "rm", "--force", ...names]).catch(() => undefined);
}

/** True when `needle` occurs anywhere in `docker save` of `image`: every blob, gzip or not. */
export async function imageBytesContain(image: string, needle: string): Promise<boolean> {
  const dir = await mkdtemp(join(tmpdir(), "ebuild-save-"));
  try {
    await run("docker", ["save", "-o", join(dir, "image.tar"), image]);
    if ((await readFile(join(dir, "image.tar"))).includes(needle)) return true;
    await run("tar", ["-xf", join(dir, "image.tar"), "-C", dir]);
    for (const entry of await readdir(dir, { recursive: true })) {
      const path = join(dir, entry);
      const bytes = await readFile(path).catch(() => undefined);
      if (bytes === undefined) continue;
      if (bytes.includes(needle)) return true;
      // Layers may be gzip-compressed blobs; look inside those too.
      if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
        const { stdout } = await run("gzip", ["-dc", path], { encoding: "buffer", maxBuffer: 512 << 20 });
        if (stdout.includes(needle)) return true;
      }
    }
    return false;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
