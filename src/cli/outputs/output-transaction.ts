import { lstat, mkdir, mkdtemp, readdir, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/**
 * How a staged artifact lands at its destination (Earthfile semantics):
 * - `file`: one file, written at the destination path;
 * - `replace`: a directory artifact replaces the destination directory as a whole;
 * - `merge`: the entries of a glob artifact (`dir/*`) are merged into the destination directory.
 */
export type OutputShape = "file" | "replace" | "merge";

export interface StagedOutput {
  /** What the exporter wrote: a file for `file`, a directory otherwise. */
  staged: string;
  /** The absolute destination, already checked by resolveOutputPath. */
  destination: string;
  shape: OutputShape;
}

const stagingPrefix = ".ebuild-staging-";

/**
 * Local outputs are exported into staging folders first and moved into place only when the whole
 * build succeeded, so a failed or cancelled build leaves every earlier output as it was. Staging
 * folders live next to the destinations (same file system), which makes each move a rename.
 */
export class OutputTransaction {
  private readonly stagingRoots = new Map<string, string>();
  private readonly outputs: StagedOutput[] = [];
  private finished = false;

  /** A new empty folder below `near` for one export; removed again by commit or abort. */
  async stagingFolder(near: string): Promise<string> {
    let root = this.stagingRoots.get(near);
    if (!root) {
      await mkdir(near, { recursive: true });
      root = await mkdtemp(join(near, stagingPrefix));
      this.stagingRoots.set(near, root);
    }
    return mkdtemp(join(root, "out-"));
  }

  add(output: StagedOutput): void {
    this.outputs.push(output);
  }

  /** Moves every staged output into place, in the order added, then removes the staging folders. */
  async commit(): Promise<void> {
    this.finish();
    try {
      for (const output of this.outputs) await place(output, this.stagingRootFor(output));
    } finally {
      await this.cleanUp();
    }
  }

  /** Drops everything staged; destinations are untouched. */
  async abort(): Promise<void> {
    this.finished = true;
    await this.cleanUp();
  }

  private finish(): void {
    if (this.finished) throw new Error("output transaction already finished");
    this.finished = true;
  }

  private stagingRootFor(output: StagedOutput): string {
    for (const root of this.stagingRoots.values()) if (output.staged.startsWith(root)) return root;
    return dirname(output.staged);
  }

  private async cleanUp(): Promise<void> {
    await Promise.all([...this.stagingRoots.values()].map((root) => rm(root, { recursive: true, force: true })));
    this.stagingRoots.clear();
  }
}

async function place(output: StagedOutput, scratch: string): Promise<void> {
  await mkdir(dirname(output.destination), { recursive: true });
  switch (output.shape) {
    case "file":
      // rename over an existing file is atomic; a directory in the way is replaced.
      if ((await kindOf(output.destination)) === "dir") await moveAside(output.destination, scratch);
      await rename(output.staged, output.destination);
      return;
    case "replace":
      await replaceWith(output.staged, output.destination, scratch);
      return;
    case "merge":
      await mergeInto(output.staged, output.destination, scratch);
      return;
  }
}

/** Swaps a directory into place; retries when another ebuild process swaps the same one at once. */
async function replaceWith(source: string, destination: string, scratch: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    if ((await kindOf(destination)) !== "missing") await moveAside(destination, scratch);
    try {
      await rename(source, destination);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if ((code !== "ENOTEMPTY" && code !== "EEXIST") || attempt >= 5) throw error;
    }
  }
}

async function mergeInto(source: string, destination: string, scratch: string): Promise<void> {
  if ((await kindOf(destination)) !== "dir") {
    if ((await kindOf(destination)) !== "missing") await moveAside(destination, scratch);
    await mkdir(destination, { recursive: true });
  }
  for (const name of await readdir(source)) {
    const from = join(source, name);
    const to = join(destination, name);
    if ((await kindOf(from)) === "dir" && (await kindOf(to)) === "dir") await mergeInto(from, to, scratch);
    else {
      if ((await kindOf(to)) === "dir") await moveAside(to, scratch);
      await rename(from, to);
    }
  }
}

/** Moves a path into the staging area (deleted with it); tolerates its having vanished already. */
async function moveAside(path: string, scratch: string): Promise<void> {
  const aside = await mkdtemp(join(scratch, "old-"));
  try {
    await rename(path, join(aside, basename(path)));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}

async function kindOf(path: string): Promise<"missing" | "dir" | "other"> {
  try {
    return (await lstat(path)).isDirectory() ? "dir" : "other";
  } catch {
    return "missing";
  }
}
