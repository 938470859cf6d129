/**
 * Multi-platform images through the real CLI: one SAVE IMAGE name built for linux/amd64 and
 * linux/arm64 (FROM scratch and COPY, so no emulator is needed). In Docker's store each platform
 * gets its own `tag_linux_<arch>` name and the daemon's platform the plain name too; under --push
 * the registry gets one manifest list whose children are the two platforms' images.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { ebuild, project } from "../support/cli.js";
import { startRegistry, type TestRegistry } from "../support/registry.js";

const run = promisify(execFile);
const user = "lister";
const password = "many platforms";
const basic = `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

function buildfile(image: string): string {
  return `VERSION 0.8
all:
    BUILD --platform=linux/amd64 --platform=linux/arm64 +img
img:
    FROM scratch
    COPY hello.txt /
    ARG TARGETARCH
    LABEL arch=$TARGETARCH
    SAVE IMAGE --push ${image}
`;
}

async function inspect(name: string): Promise<{ Architecture: string; Config: { Labels?: Record<string, string> } }> {
  const { stdout } = await run("docker", ["image", "inspect", name]);
  return (JSON.parse(stdout) as Array<{ Architecture: string; Config: { Labels?: Record<string, string> } }>)[0]!;
}

async function registryGet(registry: TestRegistry, path: string, accept: string): Promise<Response> {
  return fetch(`http://${registry.address}/v2/${path}`, { headers: { authorization: basic, accept } });
}

const allManifests = [
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
].join(", ");

test("BUILD --platform twice stores each platform under its own tag and the native one under the name; --push puts one manifest list", async () => {
  const registry = await startRegistry({ auth: { user, password } });
  const image = `${registry.address}/ebuild-platforms/multi:1`;
  const config = await mkdtemp(join(tmpdir(), "ebuild-docker-config-"));
  await writeFile(join(config, "config.json"), JSON.stringify({ auths: { [registry.address]: { auth: Buffer.from(`${user}:${password}`).toString("base64") } } }), { mode: 0o600 });
  const dir = await project({ Buildfile: buildfile(image), "hello.txt": "hello\n" });
  const stored = [image, `${image}_linux_amd64`, `${image}_linux_arm64`];
  try {
    const local = await ebuild(["--progress", "plain", "+all"], { cwd: dir, env: { DOCKER_CONFIG: config } });
    assert.equal(local.code, 0, local.stderr + local.stdout);
    assert.equal((await inspect(`${image}_linux_amd64`)).Architecture, "amd64");
    assert.equal((await inspect(`${image}_linux_arm64`)).Architecture, "arm64");
    assert.equal((await inspect(`${image}_linux_arm64`)).Config.Labels?.["arch"], "arm64");
    assert.equal((await inspect(image)).Architecture, "amd64", "the daemon's platform also has the plain name");
    assert.match(local.stdout, new RegExp(`saved image\\s+${image.replace(/[.:/]/g, "\\$&")}_linux_arm64 \\(linux/arm64\\)`));
    assert.equal((await registryGet(registry, "ebuild-platforms/multi/manifests/1", allManifests)).status, 404, "nothing is pushed without --push");

    const pushed = await ebuild(["--progress", "plain", "--push", "+all"], { cwd: dir, env: { DOCKER_CONFIG: config } });
    assert.equal(pushed.code, 0, pushed.stderr + pushed.stdout);
    assert.match(pushed.stdout, new RegExp(`pushed image\\s+${image.replace(/[.:/]/g, "\\$&")} \\(manifest list: linux/amd64, linux/arm64\\)`));
    const listResponse = await registryGet(registry, "ebuild-platforms/multi/manifests/1", allManifests);
    assert.equal(listResponse.status, 200);
    const list = (await listResponse.json()) as { mediaType: string; manifests: Array<{ digest: string; mediaType: string; platform: { os: string; architecture: string } }> };
    assert.match(list.mediaType, /manifest\.list|image\.index/);
    assert.deepEqual(list.manifests.map((m) => `${m.platform.os}/${m.platform.architecture}`), ["linux/amd64", "linux/arm64"]);
    for (const child of list.manifests) {
      const manifest = (await (await registryGet(registry, `ebuild-platforms/multi/manifests/${child.digest}`, child.mediaType)).json()) as { config: { digest: string } };
      const blob = (await (await registryGet(registry, `ebuild-platforms/multi/blobs/${manifest.config.digest}`, "*/*")).json()) as { architecture: string; config: { Labels?: Record<string, string> } };
      assert.equal(blob.architecture, child.platform.architecture, "each child's config is its platform's");
      assert.equal(blob.config.Labels?.["arch"], child.platform.architecture);
    }
  } finally {
    for (const name of stored) await run("docker", ["rmi", name]).catch(() => undefined);
    await registry.stop();
    await Promise.all([config, dir].map((d) => rm(d, { recursive: true, force: true })));
  }
});

test("--platform a,b on the command line builds the target for both into one multi-platform name", async () => {
  const image = `ebuild-platforms/cli-multi:${process.pid}`;
  const dir = await project({ Buildfile: `VERSION 0.8\nimg:\n    FROM scratch\n    COPY hello.txt /\n    SAVE IMAGE ${image}\n`, "hello.txt": "hello\n" });
  const stored = [image, `${image}_linux_amd64`, `${image}_linux_arm64`];
  try {
    const result = await ebuild(["--progress", "plain", "--platform", "linux/arm64,linux/amd64", "+img"], { cwd: dir });
    assert.equal(result.code, 0, result.stderr + result.stdout);
    assert.equal((await inspect(`${image}_linux_arm64`)).Architecture, "arm64");
    assert.equal((await inspect(`${image}_linux_amd64`)).Architecture, "amd64");
    assert.equal((await inspect(image)).Architecture, "amd64", "the plain name is the daemon's platform, not the first given");
  } finally {
    for (const name of stored) await run("docker", ["rmi", name]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
});
