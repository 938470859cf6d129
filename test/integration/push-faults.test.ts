/**
 * `--push` against a registry that fails: one that refuses the password, one that is down (its
 * port closed), and one killed while the image's layers are being uploaded. ebuild exits 1 naming
 * the image and its registry, with a hint, and prints no stack. The rule for local outputs of the
 * same build (documented in docs/security.md): pushes run after the build has succeeded and its
 * AS LOCAL outputs are written, as Earthly does, so a failed push leaves those outputs in place.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { promisify } from "node:util";
import { ebuild, project, stagingLeftovers, startEbuild } from "../support/cli.js";
import { unusedPort } from "../support/ports.js";
import { startRegistry, type TestRegistry } from "../support/registry.js";

const run = promisify(execFile);
const user = "faults";
const password = `pw-${process.pid}-${Date.now()}`;
const stackTrace = /^\s+at .+[(:]\d+/m;

/** A Docker config holding `secret` as the password for `host`; the user's own config is never read. */
async function dockerConfig(host: string, secret: string | undefined): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "ebuild-docker-config-"));
  const auths = secret === undefined ? {} : { [host]: { auth: Buffer.from(`${user}:${secret}`).toString("base64") } };
  await writeFile(join(dir, "config.json"), JSON.stringify({ auths }), { mode: 0o600 });
  return dir;
}

/** A target with a local artifact and a pushed image whose first layer is `megabytes` of random bytes. */
function buildfile(image: string, megabytes: number): string {
  return `VERSION 0.8
FROM ebuild-fixture/busybox:latest
t:
    RUN head -c ${megabytes}m /dev/urandom > /payload.bin && echo ${process.pid}-${Date.now()} > /stamp.txt
    SAVE ARTIFACT /stamp.txt AS LOCAL stamp.txt
    SAVE IMAGE --push ${image}
`;
}

/** What every failed push must show: exit 1, the image and its registry, a hint, no stack; local outputs written. */
async function assertFailedPush(result: { code: number | null; said: string }, dir: string, image: string, hint: RegExp): Promise<void> {
  assert.equal(result.code, 1, result.said.slice(-3000));
  assert.match(result.said, new RegExp(`error: pushing ${image.replace(/[.:/]/g, "\\$&")} failed: `));
  assert.match(result.said, hint);
  assert.doesNotMatch(result.said, stackTrace);
  assert.match(await readFile(join(dir, "stamp.txt"), "utf8"), /^\d+-\d+\n$/, "the local output of the build is written before the push");
  assert.deepEqual(await stagingLeftovers(dir), []);
}

async function manifestStatus(registry: TestRegistry, repository: string, tag: string): Promise<number> {
  const authorization = `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
  const response = await fetch(`http://${registry.address}/v2/${repository}/manifests/${tag}`, {
    headers: { authorization, accept: "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json" },
  });
  return response.status;
}

describe("--push to a registry that fails", { concurrency: 1, timeout: 900_000 }, () => {
  test("a registry that refuses the password: exit 1 with the registry and docker login, nothing pushed, local outputs kept", async () => {
    const registry = await startRegistry({ auth: { user, password } });
    const image = `${registry.address}/ebuild-faults/refused:1`;
    const config = await dockerConfig(registry.address, "not-the-password");
    const dir = await project({ Buildfile: buildfile(image, 1) });
    try {
      const result = await ebuild(["--progress", "plain", "--push", "+t"], { cwd: dir, env: { DOCKER_CONFIG: config, BUILDKIT_HOST: "" } });
      await assertFailedPush({ code: result.code, said: result.stdout + result.stderr }, dir, image, new RegExp(`hint: .*docker login ${registry.address.replace(/[.:]/g, "\\$&")}`));
      assert.ok(!(result.stdout + result.stderr).includes("not-the-password"), "the password is never printed");
      assert.equal(await manifestStatus(registry, "ebuild-faults/refused", "1"), 404, "nothing was pushed");
    } finally {
      await run("docker", ["image", "rm", image]).catch(() => undefined);
      await registry.stop();
      await Promise.all([config, dir].map((d) => rm(d, { recursive: true, force: true })));
    }
  });

  test("a registry that is down (its port closed): exit 1 naming it, with a hint, local outputs kept", async () => {
    const address = `127.0.0.1:${await unusedPort()}`;
    const image = `${address}/ebuild-faults/down:1`;
    const config = await dockerConfig(address, undefined);
    const dir = await project({ Buildfile: buildfile(image, 1) });
    try {
      const result = await ebuild(["--progress", "plain", "--push", "+t"], { cwd: dir, env: { DOCKER_CONFIG: config, BUILDKIT_HOST: "" } });
      await assertFailedPush({ code: result.code, said: result.stdout + result.stderr }, dir, image, new RegExp(`connection refused[^]*hint: the registry ${address.replace(/[.:]/g, "\\$&")} did not answer`));
    } finally {
      await run("docker", ["image", "rm", image]).catch(() => undefined);
      await Promise.all([config, dir].map((d) => rm(d, { recursive: true, force: true })));
    }
  });

  test("a registry killed while the layers upload: exit 1 naming it, with a hint, local outputs kept", async () => {
    const registry = await startRegistry();
    const image = `${registry.address}/ebuild-faults/dies:1`;
    const config = await dockerConfig(registry.address, undefined);
    // A layer large enough that the upload is still running when the registry is killed.
    const dir = await project({ Buildfile: buildfile(image, 64) });
    try {
      const build = startEbuild(["--progress", "plain", "--push", "+t"], { cwd: dir, env: { DOCKER_CONFIG: config, BUILDKIT_HOST: "" } });
      await uploadStarted(registry, build.exited);
      await registry.kill();
      const code = await build.exited;
      await assertFailedPush({ code, said: build.output() }, dir, image, new RegExp(`hint: the registry ${registry.address.replace(/[.:]/g, "\\$&")} did not answer`));
    } finally {
      await run("docker", ["image", "rm", image]).catch(() => undefined);
      await registry.stop();
      await Promise.all([config, dir].map((d) => rm(d, { recursive: true, force: true })));
    }
  });
});

/** Waits until the registry holds a blob upload in progress (its `_uploads/…/data` file). */
async function uploadStarted(registry: TestRegistry, exited: Promise<unknown>): Promise<void> {
  let over = false;
  void exited.then(() => (over = true));
  while (!over) {
    const paths = await readdir(registry.storage, { recursive: true }).catch(() => [] as string[]);
    if (paths.some((p) => p.includes("/_uploads/") && p.endsWith("/data"))) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error("ebuild exited before the push uploaded anything");
}
