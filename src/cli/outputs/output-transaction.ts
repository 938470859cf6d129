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

/** An output kept outside the file system until commit. */
export interface DeferredOutput {
  commit(): Promise<void>;
  /** Undoes what the export did so far; never throws. */
  abort(): Promise<void>;
}

const stagingPrefix = ".ebuild-staging-";

/**
 * Local outputs are exported into staging folders first and moved into place only when the whole
 * build succeeded, so a failed or cancelled build leaves every earlier output as it was. Staging
 * folders live next to the destinations (same file system), which makes each move a rename.
 */
export class OutputTransaction {
  // Promises, so that concurrent exports near the same place share one staging root.
  private readonly stagingRoots = new Map<string, Promise<string>>();
  private readonly outputs: StagedOutput[] = [];
  private readonly deferred: DeferredOutput[] = [];
  private finished = false;

  /** A new empty folder below `near` for one export; removed again by commit or abort. */
  async stagingFolder(near: string): Promise<string> {
    let root = this.stagingRoots.get(near);
    if (!root) {
      root = mkdir(near, { recursive: true }).then(() => mkdtemp(join(near, stagingPrefix)));
      this.stagingRoots.set(near, root);
    }
    return mkdtemp(join(await root, "out-"));
  }

  add(output: StagedOutput): void {
    this.outputs.push(output);
  }

  /** An output that is not a file (an image's names in Docker's store): done at commit, undone at abort. */
  defer(output: DeferredOutput): void {
    this.deferred.push(output);
  }

  /** Moves every staged output into place, in the order added, then removes the staging folders. */
  async commit(): Promise<void> {
    this.finish();
    try {
      const roots = await Promise.all(this.stagingRoots.values());
      for (const output of this.outputs) await place(output, roots.find((root) => output.staged.startsWith(root)) ?? dirname(output.staged));
      for (const output of this.deferred) await output.commit();
    } finally {
      await this.cleanUp();
    }
  }

  /** Drops everything staged; destinations are untouched. */
  async abort(): Promise<void> {
    this.finished = true;
    await Promise.allSettled(this.deferred.map((output) => output.abort()));
    await this.cleanUp();
  }

  private finish(): void {
    if (this.finished) throw new Error("output transaction already finished");
    this.finished = true;
  }

  private async cleanUp(): Promise<void> {
    const roots = await Promise.allSettled(this.stagingRoots.values());
    await Promise.all(roots.map((root) => (root.status === "fulfilled" ? rm(root.value, { recursive: true, force: true }) : undefined)));
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
      if ((code !== "ENOTEMPTY" && code !== "EEXIST") || attempt >= 50) throw error;
      // Another process put its copy in place between our two renames: back off a random moment
      // so one of us wins, and its output is whole.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20));
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
