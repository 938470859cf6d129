// The local registries that push tests use: scripts/registry through test/support/registry.ts,
// checked with the real docker CLI and daemon (run scripts/buildkit-up first).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { startRegistry } from "../support/registry.js";

const run = promisify(execFile);
const fixtureImage = process.env.EBUILD_FIXTURE_IMAGE ?? "ebuild-fixture/busybox:latest";
const script = fileURLToPath(new URL("../../scripts/registry", import.meta.url));

/** Runs docker with a throwaway DOCKER_CONFIG, never the user's ~/.docker. */
async function docker(config: string, args: string[], input?: string) {
  const env = { ...process.env, DOCKER_CONFIG: config };
  if (input === undefined) return run("docker", args, { env });
  return new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
    const child = execFile("docker", args, { env }, (error, stdout, stderr) =>
      error ? reject(Object.assign(error, { stderr })) : resolve({ stdout, stderr }),
    );
    child.stdin?.end(input);
  });
}

async function withDockerConfig(body: (config: string) => Promise<void>) {
  const config = await mkdtemp(join(tmpdir(), "ebuild-docker-config-"));
  try {
    await body(config);
  } finally {
    await rm(config, { recursive: true, force: true });
  }
}

async function tags(address: string, repo: string, authorization?: string): Promise<unknown> {
  const headers: Record<string, string> = authorization ? { authorization } : {};
  const response = await fetch(`http://${address}/v2/${repo}/tags/list`, { headers });
  assert.equal(response.status, 200);
  return ((await response.json()) as { tags: unknown }).tags;
}

test("docker push to a local registry stores the image", async () => {
  const registry = await startRegistry();
  try {
    assert.match(registry.address, /^127\.0\.0\.1:\d+$/);
    const ref = `${registry.address}/ebuild-test/busybox:pushed`;
    await withDockerConfig(async (config) => {
      await docker(config, ["tag", fixtureImage, ref]);
      try {
        await docker(config, ["push", ref]);
      } finally {
        await docker(config, ["rmi", ref]);
      }
    });
    assert.deepEqual(await tags(registry.address, "ebuild-test/busybox"), ["pushed"]);
  } finally {
    await registry.stop();
  }
});

test("a registry with auth refuses a push without login and accepts it after docker login", async () => {
  const user = "pusher";
  const password = "correct horse battery staple";
  const registry = await startRegistry({ auth: { user, password } });
  try {
    const anonymous = await fetch(`http://${registry.address}/v2/`);
    assert.equal(anonymous.status, 401);

    const ref = `${registry.address}/ebuild-test/busybox:after-login`;
    await withDockerConfig(async (config) => {
      await docker(config, ["tag", fixtureImage, ref]);
      try {
        await assert.rejects(docker(config, ["push", ref]), (error: { stderr?: string }) => {
          assert.match(error.stderr ?? "", /no basic auth credentials|unauthorized/);
          return true;
        });
        await assert.rejects(
          docker(config, ["login", "-u", user, "--password-stdin", registry.address], "wrong password"),
        );
        await docker(config, ["login", "-u", user, "--password-stdin", registry.address], password);
        await docker(config, ["push", ref]);
      } finally {
        await docker(config, ["rmi", ref]);
      }
    });
    const basic = `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
    assert.deepEqual(await tags(registry.address, "ebuild-test/busybox", basic), ["after-login"]);
  } finally {
    await registry.stop();
  }
});

test("registry up is idempotent and down leaves nothing answering", async () => {
  const registry = await startRegistry();
  const port = registry.address.split(":")[1] ?? "";
  try {
    const again = await run("bash", [script, "up", "--port", port]);
    assert.equal(again.stdout.trim(), registry.address);
    // Same port with another mode is refused rather than silently changed.
    await assert.rejects(run("bash", [script, "up", "--auth", "--port", port]), /runs as 'open'/);
    const status = await run("bash", [script, "status"]);
    assert.match(status.stdout, new RegExp(`${registry.address.replace(/\./g, "\\.")}\\trunning`));
  } finally {
    await registry.stop();
  }
  await assert.rejects(fetch(`http://${registry.address}/v2/`));
  const status = await run("bash", [script, "status"]);
  assert.ok(!status.stdout.includes(registry.address));
});
