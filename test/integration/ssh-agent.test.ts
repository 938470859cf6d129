/**
 * ssh agent forwarding: a Buildfile's `RUN --ssh` and a FROM DOCKERFILE Dockerfile's `RUN
 * --mount=type=ssh` reach the agent of SSH_AUTH_SOCK through the session, and may only list keys
 * and sign with them. The busybox image has no ssh client, so the host's ssh-add and ssh-keygen
 * travel in the context with their shared libraries and run through the host's dynamic loader.
 */
import assert from "node:assert/strict";
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import { ebuild, project } from "../support/cli.js";

const run = promisify(execFile);
const tools = ["/usr/bin/ssh-add", "/usr/bin/ssh-keygen"];
let home: string;
let agentSocket: string;
let agent: ChildProcess | undefined;
let skipReason: string | undefined;
/** The host's dynamic loader (ld-linux-x86-64.so.2 on amd64), which runs the tools in the RUN. */
let loader = "";

before(async () => {
  home = await mkdtemp(join(tmpdir(), "ebuild-ssh-"));
  agentSocket = join(home, "agent.sock");
  try {
    await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "ebuild-ssh-test", "-f", join(home, "key")]);
  } catch {
    skipReason = "no ssh-keygen on this machine";
    return;
  }
  loader = basename((await run("ldd", [tools[0]!])).stdout.match(/\/\S*ld-linux\S*/)?.[0] ?? "");
  if (loader === "") {
    skipReason = "ssh-add has no ld-linux loader to carry into the build";
    return;
  }
  agent = spawn("ssh-agent", ["-D", "-a", agentSocket], { stdio: "ignore" });
  for (let i = 0; i < 100 && (await run("ssh-add", ["-l"], { env: { ...process.env, SSH_AUTH_SOCK: agentSocket } }).then(() => true, (e: { code?: number }) => e.code === 1)) === false; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await run("ssh-add", [join(home, "key")], { env: { ...process.env, SSH_AUTH_SOCK: agentSocket } });
});

after(async () => {
  agent?.kill();
  if (home) await rm(home, { recursive: true, force: true });
});

/** A project whose `tool/` holds ssh-add, ssh-keygen, their libraries and the loader, plus `files`. */
async function projectWithTools(files: Record<string, string>): Promise<string> {
  const dir = await project(files);
  await mkdir(join(dir, "tool"));
  for (const tool of tools) {
    await copyFile(tool, join(dir, "tool", basename(tool)));
    const { stdout } = await run("ldd", [tool]);
    for (const library of stdout.match(/\/\S+/g) ?? []) await copyFile(library, join(dir, "tool", basename(library)));
  }
  await copyFile(join(home, "key.pub"), join(dir, "tool", "key.pub"));
  return dir;
}

const inTool = (command: string) => `/tool/${loader} --library-path /tool /tool/${command}`;

test("a Dockerfile's ssh mount and RUN --ssh sign with the user's agent, which they may not change", async (t) => {
  if (skipReason) return t.skip(skipReason);
  const data = `sign me ${randomBytes(6).toString("hex")}\n`;
  const dir = await projectWithTools({
    "data.txt": data,
    Dockerfile: `FROM ebuild-fixture/busybox:latest
COPY tool /tool
COPY data.txt /data.txt
RUN --mount=type=ssh ${inTool("ssh-keygen")} -Y sign -f /tool/key.pub -n ebuild /data.txt && ${inTool("ssh-add")} -l > /keys.txt
RUN --mount=type=ssh ${inTool("ssh-add")} -D > /delete.txt 2>&1; echo "exit $?" >> /delete.txt
`,
    Buildfile: `VERSION 0.8
FROM ebuild-fixture/busybox:latest
dockerfile:
    FROM DOCKERFILE .
    SAVE ARTIFACT /data.txt.sig AS LOCAL out/
    SAVE ARTIFACT /keys.txt AS LOCAL out/
    SAVE ARTIFACT /delete.txt AS LOCAL out/
buildfile:
    COPY tool /tool
    RUN --ssh ${inTool("ssh-add")} -l > /listed.txt
    SAVE ARTIFACT /listed.txt AS LOCAL out/
`,
  });
  const env = { SSH_AUTH_SOCK: agentSocket };
  const built = await ebuild(["--progress", "plain", "+dockerfile", "+buildfile"], { cwd: dir, env });
  assert.equal(built.code, 0, built.stderr + built.stdout);
  const fingerprint = (await run("ssh-keygen", ["-l", "-f", join(home, "key.pub")])).stdout.split(" ")[1]!;
  assert.match(await readFile(join(dir, "out", "keys.txt"), "utf8"), new RegExp(fingerprint.replace(/[+/]/g, "\\$&")));
  assert.match(await readFile(join(dir, "out", "listed.txt"), "utf8"), /ebuild-ssh-test \(ED25519\)/);
  // The signature is checked on the host, against the data it signed.
  await writeFile(join(home, "signed.txt"), data);
  const verified = await run("sh", ["-c", `ssh-keygen -Y check-novalidate -n ebuild -s '${join(dir, "out", "data.txt.sig")}' < '${join(home, "signed.txt")}'`]);
  assert.match(verified.stdout + verified.stderr, /Good "ebuild" signature/);
  assert.match(await readFile(join(dir, "out", "delete.txt"), "utf8"), /exit 1/);
  const still = await run("ssh-add", ["-l"], { env: { ...process.env, SSH_AUTH_SOCK: agentSocket } });
  assert.match(still.stdout, /ebuild-ssh-test/, "the build removed the user's key");
});

test("RUN --ssh without an agent fails at its line, naming the missing key", async (t) => {
  if (skipReason) return t.skip(skipReason);
  // An empty SSH_AUTH_SOCK forwards no agent; the comment keeps the RUN out of the cache.
  const dir = await project({ Buildfile: `VERSION 0.8\nFROM ebuild-fixture/busybox:latest\nt:\n    RUN --ssh ls -l "$SSH_AUTH_SOCK" # ${randomBytes(6).toString("hex")}\n` });
  const failed = await ebuild(["--progress", "plain", "+t"], { cwd: dir, env: { SSH_AUTH_SOCK: "" } });
  assert.equal(failed.code, 1, failed.stderr + failed.stdout);
  assert.match(failed.stderr, /Buildfile:4:5: no SSH key "default" forwarded/);
});
