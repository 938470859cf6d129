/**
 * A private Docker daemon for fault tests that must kill the daemon: its own socket, data root,
 * exec root and managed containerd under a temporary folder, and its own network namespace, so
 * killing it touches nothing the shared daemon or other tests use. It holds only the fixture
 * busybox image (copied from the shared daemon), and builds in it must use `RUN --network=none`:
 * without a bridge the daemon has no default network for RUNs.
 *
 * The network namespace is not optional: dockerd started with `--bridge=none` deletes the host's
 * `docker0` (moby's removeDefaultBridgeInterface), which would cut every RUN of the shared daemon
 * off its bridge. Inside `unshare --net` there is no docker0 to delete.
 *
 *   const daemon = await startPrivateDockerd();
 *   try { … DOCKER_HOST: daemon.host … await daemon.kill(); … } finally { await daemon.cleanUp(); }
 */
import { execFile, spawn } from "node:child_process";
import { existsSync, openSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const fixtureImage = "ebuild-fixture/busybox:latest";

export interface PrivateDockerd {
  /** `unix:///tmp/…/docker.sock`, for DOCKER_HOST. */
  readonly host: string;
  readonly pid: number;
  /** SIGKILL, the way a crash or the OOM killer ends it; resolves once the process is gone. */
  kill(): Promise<void>;
  /** Kills the daemon if it still runs, then its containerd, RUN processes left behind, mounts and folder. */
  cleanUp(): Promise<void>;
}

/** Why a private daemon cannot run here, or undefined when it can (checked by starting one). */
export async function privateDockerdUnavailable(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return "a second dockerd needs root";
  for (const tool of ["dockerd", "containerd", "runc", "unshare"]) {
    if (!(await run("sh", ["-c", `command -v ${tool}`]).then(() => true, () => false))) return `${tool} is not installed`;
  }
  return undefined;
}

/** Starts a private dockerd, waits until it answers, and loads the fixture image into it. */
export async function startPrivateDockerd(): Promise<PrivateDockerd> {
  // Short and under /tmp: a unix socket path must stay below 108 bytes.
  const dir = await mkdtemp("/tmp/ebuild-dockerd-");
  const socket = join(dir, "docker.sock");
  const host = `unix://${socket}`;
  const args = [
    "-H", host,
    "--data-root", join(dir, "data"),
    "--exec-root", join(dir, "exec"),
    "--pidfile", join(dir, "dockerd.pid"),
    "--bridge=none",
    "--iptables=false",
    "--ip6tables=false",
  ];
  const log = openSync(join(dir, "dockerd.log"), "a");
  // unshare execs dockerd in place: the child's pid is the daemon's.
  const child = spawn("unshare", ["--net", "dockerd", ...args], { detached: true, stdio: ["ignore", log, log] });
  child.unref();
  const pid = child.pid!;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));

  const daemon: PrivateDockerd = {
    host,
    pid,
    async kill() {
      if (!gone) process.kill(pid, "SIGKILL");
      await exited;
    },
    async cleanUp() {
      if (!gone) process.kill(pid, "SIGKILL");
      await exited;
      await killContainerd(dir);
      await removeLeftoverRuns(dir);
      await unmountBelow(dir);
      await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    await waitUntilAnswers(host, () => gone, dir);
    // The fixture image, from the shared daemon's store into this one (a few MB).
    await run("sh", ["-c", `docker save ${fixtureImage} | docker -H "$PRIVATE_HOST" load`], { env: { ...process.env, PRIVATE_HOST: host } });
    return daemon;
  } catch (error) {
    await daemon.cleanUp();
    throw error;
  }
}

async function waitUntilAnswers(host: string, gone: () => boolean, dir: string): Promise<void> {
  for (let attempt = 0; attempt < 240; attempt++) {
    if (gone()) throw new Error(`the private dockerd exited:\n${await logTail(dir)}`);
    if (await run("docker", ["-H", host, "version", "--format", "{{.Server.Version}}"]).then(() => true, () => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the private dockerd did not answer within 60 s:\n${await logTail(dir)}`);
}

async function logTail(dir: string): Promise<string> {
  return (await readFile(join(dir, "dockerd.log"), "utf8").catch(() => "")).split("\n").slice(-20).join("\n");
}

/** dockerd's managed containerd usually dies with it; kill it by its pid file if not. */
async function killContainerd(dir: string): Promise<void> {
  const pidFile = join(dir, "exec", "containerd", "containerd.pid");
  const pid = Number((await readFile(pidFile, "utf8").catch(() => "")).trim());
  if (pid > 0 && isOurs(pid, dir)) process.kill(pid, "SIGKILL");
}

/**
 * A RUN's processes outlive a killed daemon (runc started them; nothing reaps them). Each RUN's
 * bundle is a folder of this daemon's executor, named by its runc container id.
 */
async function removeLeftoverRuns(dir: string): Promise<void> {
  const executor = join(dir, "data", "buildkit", "executor");
  const entries = await readdir(executor, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (entry.isDirectory() && existsSync(join(executor, entry.name, "config.json"))) {
      await run("runc", ["delete", "--force", entry.name]).catch(() => undefined);
    }
  }
}

/** The daemon mounts its data root, layers and RUN root file systems; undo them, deepest first. */
async function unmountBelow(dir: string): Promise<void> {
  const mountinfo = await readFile("/proc/self/mountinfo", "utf8");
  const points = mountinfo
    .split("\n")
    .map((line) => line.split(" ")[4] ?? "")
    .filter((point) => point === dir || point.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const point of points) await run("umount", ["-l", point]).catch(() => undefined);
}

function isOurs(pid: number, dir: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(dir);
  } catch {
    return false;
  }
}
