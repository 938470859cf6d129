/**
 * Test helper: the docker CLI, for looking at what a build left in Docker's image store.
 */
import { execFile } from "node:child_process";
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

/** The image's inspect JSON, as `docker image inspect` prints it. */
export async function inspectImage(image: string): Promise<{ Id: string; RepoTags: string[]; Config: Record<string, unknown> }> {
  const [inspected] = JSON.parse(await docker(["image", "inspect", image]));
  return inspected;
}

/** Removes images by name, ignoring names that are already gone. */
export async function removeImages(names: string[]): Promise<void> {
  if (names.length > 0) await run("docker", ["image", "rm", "--force", ...names]).catch(() => undefined);
}
