/** Runs the real `ebuild` process (from the sources) the way a user would, and captures what it says. */
import { execFile } from "node:child_process";
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
