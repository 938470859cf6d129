import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { startRegistry } from "../support/registry.js";

const run = promisify(execFile);

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
  }
});

test("a local registry without auth takes pushes from anyone", async () => {
  const registry = await startRegistry();
  try {
    const response = await fetch(`http://${registry.address}/v2/`);
    assert.equal(response.status, 200);
  } finally {
    await registry.stop();
  }
  await assert.rejects(fetch(`http://${registry.address}/v2/`), "stopped registries stop answering");
});
