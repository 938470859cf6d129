// BuildKit pulling a base image from a local registry with auth: the credentials come from a Docker
// config through ebuild's credential source and the session's Auth service, with no docker login.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BuildkitClient } from "../../src/buildkit/client.js";
import { GatewayBuild } from "../../src/buildkit/gateway.js";
import { dockerCredentialSource } from "../../src/buildkit/credentials/index.js";
import { openBuildSession } from "../../src/cli/build/build-session.js";
import { runOnImage } from "../buildkit/support/tiny-llb.js";
import { pushFixtureImage, startRegistry, type TestRegistry } from "../support/registry.js";

const user = "puller";
const password = "pull:me please";
const basic = Buffer.from(`${user}:${password}`).toString("base64");

/** A registry with auth that holds the fixture image as `<address>/ebuild-test/base:1`. */
async function registryWithBase(dockerConfig: string): Promise<{ registry: TestRegistry; image: string }> {
  const registry = await startRegistry({ auth: { user, password } });
  const image = `${registry.address}/ebuild-test/base:1`;
  // docker push reads the same auths entry: the config is written, never logged into.
  await writeFile(join(dockerConfig, "config.json"), JSON.stringify({ auths: { [registry.address]: { auth: basic } } }));
  // Untagged again, so the build below can only get it from the registry.
  await pushFixtureImage(image, dockerConfig);
  return { registry, image };
}

/** Solves FROM `image` + RUN with `dockerConfig`'s credentials on the session. */
async function buildOn(image: string, dockerConfig: string): Promise<void> {
  const client = await BuildkitClient.connect({ env: { ...process.env, BUILDKIT_HOST: "" } });
  const credentials = dockerCredentialSource({ env: { DOCKER_CONFIG: dockerConfig, PATH: process.env.PATH } });
  const session = await openBuildSession(client, { contexts: new Map(), secrets: new Map(), credentials }, `ebuild-test-${process.pid}`);
  const build = GatewayBuild.open(client, { sessionId: session.id });
  try {
    const ref = await build.solve(runOnImage(image, "test -x /bin/busybox").definition, { evaluate: true });
    await build.finish({ ref });
  } catch (error) {
    await build.fail(error as Error).catch(() => undefined);
    throw error;
  } finally {
    await session.close();
    client.close();
  }
}

test("a base image in a registry with auth is pulled with the credentials in the Docker config", async () => {
  const dir = await mkdtemp(join(tmpdir(), "ebuild-pull-"));
  const { registry, image } = await registryWithBase(dir);
  try {
    await buildOn(image, dir);
  } finally {
    await registry.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

test("a base image in a registry with auth is refused when the Docker config has no credentials for it", async () => {
  const dir = await mkdtemp(join(tmpdir(), "ebuild-pull-"));
  const { registry, image } = await registryWithBase(dir);
  const empty = await mkdtemp(join(tmpdir(), "ebuild-pull-empty-"));
  try {
    await writeFile(join(empty, "config.json"), JSON.stringify({ auths: { "127.0.0.1:1": { auth: "YTpi" } } }));
    await assert.rejects(buildOn(image, empty), /401|unauthorized|authoriz/i);
  } finally {
    await registry.stop();
    await rm(dir, { recursive: true, force: true });
    await rm(empty, { recursive: true, force: true });
  }
});
