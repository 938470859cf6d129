import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, readlink, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startRegistry } from "../support/registry.js";

const run = promisify(execFile);
const script = fileURLToPath(new URL("../../scripts/registry", import.meta.url));

async function docker(config: string, args: string[], input?: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = execFile("docker", args, { env: { ...process.env, DOCKER_CONFIG: config } }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

test("a local registry with a password refuses anonymous pushes and accepts logged-in ones", async () => {
  const registry = await startRegistry({ auth: { user: "alice", password: "wonderland" } });
  const config = await mkdtemp(join(tmpdir(), "ebuild-docker-config-"));
  try {
    const name = `${registry.address}/ebuild-test/busybox:1`;
    await run("docker", ["tag", "ebuild-fixture/busybox:latest", name]);
    const anonymous = await docker(config, ["push", name]);
    assert.notEqual(anonymous.code, 0);
    assert.match(anonymous.output, /basic auth credentials|unauthorized/i);

    const login = await docker(config, ["login", "-u", "alice", "--password-stdin", registry.address], "wonderland\n");
    assert.equal(login.code, 0, login.output);
    const pushed = await docker(config, ["push", name]);
    assert.equal(pushed.code, 0, pushed.output);

    const auth = Buffer.from("alice:wonderland").toString("base64");
    const response = await fetch(`http://${registry.address}/v2/ebuild-test/busybox/tags/list`, { headers: { authorization: `Basic ${auth}` } });
    assert.deepEqual(await response.json(), { name: "ebuild-test/busybox", tags: ["1"] });
    await run("docker", ["rmi", name]);
  } finally {
    await registry.stop();
    await rm(config, { recursive: true, force: true });
  }
});

test("a local registry without auth takes pushes from anyone", async () => {
  const registry = await startRegistry();
  const config = await mkdtemp(join(tmpdir(), "ebuild-docker-config-"));
  try {
    const response = await fetch(`http://${registry.address}/v2/`);
    assert.equal(response.status, 200);

    const name = `${registry.address}/ebuild-test/busybox:open`;
    await run("docker", ["tag", "ebuild-fixture/busybox:latest", name]);
    const pushed = await docker(config, ["push", name]);
    await run("docker", ["rmi", name]);
    assert.equal(pushed.code, 0, pushed.output);
    const tags = await fetch(`http://${registry.address}/v2/ebuild-test/busybox/tags/list`);
    assert.deepEqual(await tags.json(), { name: "ebuild-test/busybox", tags: ["open"] });
  } finally {
    await registry.stop();
    await rm(config, { recursive: true, force: true });
  }
  await assert.rejects(fetch(`http://${registry.address}/v2/`), "stopped registries stop answering");
});

test("registry up twice gives the same registry, and refuses to change its auth in place", async () => {
  const registry = await startRegistry();
  const port = registry.address.split(":")[1] ?? "";
  try {
    const again = await run("bash", [script, "up", "--port", port]);
    assert.equal(again.stdout.trim(), registry.address);
    await assert.rejects(run("bash", [script, "up", "--auth", "u:p", "--port", port]), /runs as 'open'/);
    const status = await run("bash", [script, "status"]);
    assert.ok(status.stdout.includes(`${registry.address}\trunning`), status.stdout);
  } finally {
    await registry.stop();
  }
  const status = await run("bash", [script, "status"]);
  assert.ok(!status.stdout.includes(registry.address), "status forgets stopped registries");
});

test("the registry runs in / whatever directory it was started from, and its pid file names it", async () => {
  const registry = await startRegistry();
  try {
    const port = registry.address.split(":")[1] ?? "";
    const pid = (await readFile(join(process.env.EBUILD_DEV_STATE ?? "/var/lib/ebuild-dev", "registry", port, "registry.pid"), "utf8")).trim();
    // A daemon that kept its caller's directory would lose it when that directory (a CI clone) goes.
    assert.equal(await readlink(`/proc/${pid}/cwd`), "/");
    assert.match(await readFile(`/proc/${pid}/cmdline`, "utf8"), /^docker-registry\0serve\0/);
  } finally {
    await registry.stop();
  }
});
