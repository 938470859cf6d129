/**
 * Images and a password-protected registry (Debian's docker-registry on 127.0.0.1 with htpasswd):
 * an image from Docker's store pushed with credentials read from a docker config file, a base image
 * pulled through the session's registry auth, and what a user sees when the credentials are wrong.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { GatewayBuild } from "../../src/buildkit/index.js";
import { imageResultMetadata, mobyExporter } from "../../src/buildkit/exporters.js";
import { authService } from "../../src/buildkit/session/index.js";
import { runOnImage } from "../buildkit/support/tiny-llb.js";
import { dockerConfigCredentials, writeDockerConfig } from "../support/docker-config.js";
import { removeImages } from "../support/docker.js";
import { useDaemon } from "../support/daemon.js";
import { pushThroughEngine } from "../support/engine-push.js";
import { startRegistry, type TestRegistry } from "../support/registry.js";
import { buildWithSession, progressText } from "../support/session-build.js";

const user = "ebuild";
const password = `pw-${randomBytes(8).toString("hex")}`;
const tag = randomBytes(4).toString("hex");
const repository = "ebuild-test/pushed";
/** Images the tests stored in Docker, removed after them. */
const images: string[] = [];

const daemon = useDaemon({ session: true, images });
let registry: TestRegistry;
let configDir: string;
before(async () => {
  registry = await startRegistry({ auth: { user, password } });
  configDir = await mkdtemp(join(tmpdir(), "ebuild-docker-config-"));
});
after(async () => {
  await registry?.stop();
});

/** GET on the registry's API with basic auth (or none), on 127.0.0.1 only. */
function registryGet(path: string, auth: { user: string; password: string } | undefined): Promise<Response> {
  const headers: Record<string, string> = {
    accept: "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json",
  };
  if (auth) headers["authorization"] = `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString("base64")}`;
  return fetch(`http://${registry.address}${path}`, { headers });
}

/** Builds an image on the fixture base into Docker's store under `name`, with a label. */
async function buildIntoDocker(name: string): Promise<void> {
  const { definition } = runOnImage("ebuild-fixture/busybox:latest", `echo pushed-${tag} > /pushed`);
  const config = { architecture: "amd64", os: "linux", config: { Labels: { "org.ebuild.test": `push-${tag}` }, Cmd: ["cat", "/pushed"] } };
  const build = GatewayBuild.open(daemon.client, { sessionId: daemon.session.sessionId, exporters: [mobyExporter({ names: [name] })] });
  const ref = await build.solve(definition, { evaluate: true });
  await build.finish({ ref, metadata: imageResultMetadata(config) });
  images.push(name);
}

test("an image pushed with credentials from a docker config file is served by the registry", async (t) => {
  if (daemon.client.address.kind !== "docker-engine") return t.skip("pushes from Docker's image store");
  const configPath = join(configDir, "config.json");
  await writeDockerConfig(configPath, registry.address, { username: user, secret: password });
  const name = `${registry.address}/${repository}:${tag}`;
  await buildIntoDocker(name);

  const credentials = dockerConfigCredentials(configPath);
  await pushThroughEngine(
    daemon.client.address.engine,
    { repository: `${registry.address}/${repository}`, tag, registryHost: registry.address },
    await credentials.lookup(registry.address),
  );

  assert.equal((await registryGet(`/v2/${repository}/manifests/${tag}`, undefined)).status, 401, "the registry wants a password");
  const manifestResponse = await registryGet(`/v2/${repository}/manifests/${tag}`, { user, password });
  assert.equal(manifestResponse.status, 200);
  assert.match(manifestResponse.headers.get("docker-content-digest") ?? "", /^sha256:[0-9a-f]{64}$/);
  const manifest = (await manifestResponse.json()) as { config: { digest: string }; layers: unknown[] };
  assert.ok(manifest.layers.length >= 2, "the base layer and the RUN's layer");
  const configBlob = (await (await registryGet(`/v2/${repository}/blobs/${manifest.config.digest}`, { user, password })).json()) as {
    config: { Labels?: Record<string, string> };
  };
  assert.deepEqual(configBlob.config.Labels, { "org.ebuild.test": `push-${tag}` });
});

test("a push with a wrong password fails saying the registry refused it", async (t) => {
  if (daemon.client.address.kind !== "docker-engine") return t.skip("pushes from Docker's image store");
  const configPath = join(configDir, "wrong.json");
  await writeDockerConfig(configPath, registry.address, { username: user, secret: "not-the-password" });
  const name = `${registry.address}/${repository}:wrong-${tag}`;
  await buildIntoDocker(name);
  await assert.rejects(
    pushThroughEngine(
      daemon.client.address.engine,
      { repository: `${registry.address}/${repository}`, tag: `wrong-${tag}`, registryHost: registry.address },
      await dockerConfigCredentials(configPath).lookup(registry.address),
    ),
    /failed: .*(unauthorized|authentication required)/i,
  );
  assert.equal((await registryGet(`/v2/${repository}/manifests/wrong-${tag}`, { user, password })).status, 404, "nothing was pushed");
});

test("a base image from the private registry is pulled with the credentials the session gives", async (t) => {
  if (daemon.client.address.kind !== "docker-engine") return t.skip("needs the image pushed from Docker's store");
  const configPath = join(configDir, "config.json");
  const base = `${registry.address}/${repository}:${tag}`;
  // The pushed image must come from the registry, not from Docker's store.
  await removeImages([base]);
  const credentials = dockerConfigCredentials(configPath);
  const { definition } = runOnImage(base, `cat /pushed && echo pulled-${randomBytes(4).toString("hex")}`);
  const { events } = await buildWithSession(daemon.client, [authService(credentials)], { definition });
  assert.match(progressText(events), new RegExp(`pushed-${tag}\\n`));
  assert.ok(credentials.asked.includes(registry.address), `asked for ${credentials.asked.join(", ")}`);
});

test("a base image behind a wrong password fails naming the registry and the refusal", async (t) => {
  if (daemon.client.address.kind !== "docker-engine") return t.skip("needs the image pushed from Docker's store");
  const configPath = join(configDir, "wrong.json");
  const base = `${registry.address}/${repository}:${tag}`;
  await removeImages([base]);
  const { definition } = runOnImage(base, `echo never-${randomBytes(4).toString("hex")}`);
  await assert.rejects(buildWithSession(daemon.client, [authService(dockerConfigCredentials(configPath))], { definition }), (error: Error) => {
    assert.match(error.message, new RegExp(registry.address.replace(/\./g, "\\.")));
    assert.match(error.message, /401|unauthorized/i);
    return true;
  });
});
