/**
 * Test helper: a real git server on loopback (`git daemon`, the git:// protocol) serving bare
 * repositories made from commits the test describes. BuildKit's git source runs the host's git
 * inside dockerd, so the daemon reaches git://127.0.0.1:PORT/ as any client does.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { unusedPort } from "./ports.js";

/** One commit: the files it writes (path → content) and the tag it gets, if any. */
export interface Commit {
  files: Record<string, string>;
  tag?: string;
}

export interface GitServer {
  /** `git://127.0.0.1:PORT/` — a repository `org/repo` is at `${base}org/repo.git`. */
  base: string;
  port: number;
  /** Stops the daemon and removes the repositories. */
  stop(): Promise<void>;
}

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", ["-c", "user.email=test@ebuild.invalid", "-c", "user.name=ebuild test", "-c", "init.defaultBranch=main", ...args], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

/** Starts `git daemon` serving `repositories` (name like `org/repo` → commits, oldest first). */
export async function startGitServer(repositories: Record<string, Commit[]>): Promise<GitServer> {
  const root = mkdtempSync(join(tmpdir(), "ebuild-git-server-"));
  for (const [name, commits] of Object.entries(repositories)) {
    const work = join(root, "work", name);
    mkdirSync(work, { recursive: true });
    git(work, "init", "-q");
    for (const [i, commit] of commits.entries()) {
      for (const [path, content] of Object.entries(commit.files)) {
        mkdirSync(dirname(join(work, path)), { recursive: true });
        writeFileSync(join(work, path), content);
      }
      git(work, "add", "-A");
      git(work, "commit", "-q", "-m", `commit ${i + 1}`);
      if (commit.tag !== undefined) git(work, "tag", commit.tag);
    }
    mkdirSync(dirname(join(root, "srv", name)), { recursive: true });
    git(root, "clone", "-q", "--bare", work, join(root, "srv", `${name}.git`));
  }
  const port = await unusedPort();
  const daemon: ChildProcess = spawn(
    "git",
    ["daemon", "--export-all", `--base-path=${join(root, "srv")}`, `--port=${port}`, "--reuseaddr", "--listen=127.0.0.1", join(root, "srv")],
    { stdio: "ignore" },
  );
  const stop = async () => {
    if (daemon.exitCode === null) {
      const exited = new Promise((resolve) => daemon.once("exit", resolve));
      daemon.kill("SIGTERM");
      await exited;
    }
    rmSync(root, { recursive: true, force: true });
  };
  const base = `git://127.0.0.1:${port}/`;
  const first = Object.keys(repositories)[0];
  // Ready when a client can list the first repository's refs.
  for (let attempt = 0; ; attempt++) {
    try {
      if (first !== undefined) execFileSync("git", ["ls-remote", `${base}${first}.git`], { stdio: "ignore" });
      break;
    } catch (error) {
      if (attempt >= 50 || daemon.exitCode !== null) {
        await stop();
        throw new Error(`git daemon on port ${port} did not answer`, { cause: error });
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return { base, port, stop };
}
