/** Runs the real `ebuild` process (from the sources) the way a user would, and captures what it says. */
import { execFile, spawn } from "node:child_process";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const main = join(import.meta.dirname, "..", "..", "src", "cli", "main.ts");
// Resolved here, so the process finds tsx whatever directory it runs in.
const tsx = import.meta.resolve("tsx");

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function ebuild(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", tsx, main, ...args],
      { cwd: options.cwd, env: { ...process.env, NO_COLOR: "1", ...options.env }, maxBuffer: 64 << 20 },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** A temporary project made of `files` (path → content). */
export async function project(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "ebuild-project-"));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  return dir;
}

/** An `ebuild` process still running, for tests that interrupt it or its daemon. */
export interface RunningEbuild {
  readonly pid: number;
  /** stdout and stderr so far, interleaved as they arrived. */
  output(): string;
  /** Resolves when the output matches `pattern`; rejects if ebuild exits first. */
  waitFor(pattern: RegExp): Promise<void>;
  signal(name: NodeJS.Signals): void;
  /** The exit code (null when a signal ended it). */
  readonly exited: Promise<number | null>;
}

/** Starts the real `ebuild` process (from the sources) without waiting for it. */
export function startEbuild(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): RunningEbuild {
  const child = spawn(process.execPath, ["--import", tsx, main, ...args], {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: "1", ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  let ended = false;
  const watchers = new Set<() => void>();
  const heard = (chunk: Buffer) => {
    output += chunk.toString();
    for (const watcher of watchers) watcher();
  };
  child.stdout.on("data", heard);
  child.stderr.on("data", heard);
  const exited = new Promise<number | null>((resolve) =>
    child.on("close", (code) => {
      ended = true;
      for (const watcher of watchers) watcher();
      resolve(code);
    }),
  );
  return {
    pid: child.pid!,
    output: () => output,
    waitFor(pattern) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (pattern.test(output)) {
            watchers.delete(check);
            resolve();
          } else if (ended) {
            watchers.delete(check);
            reject(new Error(`ebuild exited before its output matched ${pattern}:\n${output.slice(-3000)}`));
          }
        };
        watchers.add(check);
        check();
      });
    },
    signal: (name) => child.kill(name),
    exited,
  };
}

/** Staging folders (`.ebuild-staging-*`) anywhere below `dir`: a finished ebuild leaves none. */
export async function stagingLeftovers(dir: string): Promise<string[]> {
  const { readdir } = await import("node:fs/promises");
  return (await readdir(dir, { recursive: true })).filter((p) => p.split("/").some((part) => part.startsWith(".ebuild-staging-")));
}

/** Waits until an export has written part of a file into a staging folder below `dir`; returns its size. */
export async function stagedBytes(dir: string, exited: Promise<unknown>): Promise<number> {
  const { stat } = await import("node:fs/promises");
  let over = false;
  void exited.then(() => (over = true));
  while (!over) {
    // A staging folder may vanish while it is listed.
    for (const path of await stagingLeftovers(dir).catch(() => [])) {
      const info = await stat(join(dir, path)).catch(() => undefined);
      if (info?.isFile() && info.size > 0) return info.size;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error("ebuild exited before the export started");
}
