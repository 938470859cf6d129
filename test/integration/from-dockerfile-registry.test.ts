/**
 * FROM DOCKERFILE of a Dockerfile whose FROM is a private image: the Dockerfile frontend resolves
 * that image while ebuild plans, so the planning session must answer the daemon's auth requests
 * with the same Docker config credentials the build pulls with.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ebuild, project } from "../support/cli.js";
import { pushFixtureImage, startRegistry, type TestRegistry } from "../support/registry.js";

const user = "dfsecrets";
const password = `df:${randomBytes(6).toString("hex")}`;
let registry: TestRegistry;
let image: string;
let dockerConfig: string;
let noCredentials: string;

before(async () => {
  registry = await startRegistry({ auth: { user, password } });
  image = `${registry.address}/ebuild-dfsecrets/base:1`;
  dockerConfig = await mkdtemp(join(tmpdir(), "ebuild-dfsecrets-config-"));
  noCredentials = await mkdtemp(join(tmpdir(), "ebuild-dfsecrets-empty-"));
  const auth = Buffer.from(`${user}:${password}`).toString("base64");
  await writeFile(join(dockerConfig, "config.json"), JSON.stringify({ auths: { [registry.address]: { auth } } }), { mode: 0o600 });
  await writeFile(join(noCredentials, "config.json"), JSON.stringify({ auths: {} }));
  // Only the registry has it then: planning and building must pull it from there.
  await pushFixtureImage(image, dockerConfig);
});

after(async () => {
  await registry?.stop();
  for (const dir of [dockerConfig, noCredentials]) if (dir) await rm(dir, { recursive: true, force: true });
});

const buildfile = () => `VERSION 0.8
dockerfile:
    FROM DOCKERFILE .
    SAVE ARTIFACT /private.txt AS LOCAL private.txt
direct:
    FROM ${image}
    RUN echo direct > /direct.txt
    SAVE ARTIFACT /direct.txt AS LOCAL direct.txt
`;

test("a Dockerfile FROM a registry that needs a password builds with the Docker config's credentials", async () => {
  const nonce = randomBytes(6).toString("hex");
  const dir = await project({ Dockerfile: `FROM ${image}\nRUN echo "from the private base ${nonce}" > /private.txt\n`, Buildfile: buildfile() });
  const built = await ebuild(["--progress", "plain", "+dockerfile"], { cwd: dir, env: { DOCKER_CONFIG: dockerConfig } });
  assert.equal(built.code, 0, built.stderr + built.stdout);
  assert.equal(await readFile(join(dir, "private.txt"), "utf8"), `from the private base ${nonce}\n`);
  assert.ok(!(built.stdout + built.stderr).includes(password), "the password was printed");
});

test("a Buildfile FROM the same private image resolves it at planning time with those credentials", async () => {
  const dir = await project({ Buildfile: buildfile() });
  const built = await ebuild(["--progress", "plain", "+direct"], { cwd: dir, env: { DOCKER_CONFIG: dockerConfig } });
  assert.equal(built.code, 0, built.stderr + built.stdout);
  assert.equal(await readFile(join(dir, "direct.txt"), "utf8"), "direct\n");
});

test("without credentials for that registry the frontend's resolution fails at the FROM DOCKERFILE line", async () => {
  const dir = await project({ Dockerfile: `FROM ${image}\nRUN echo never > /private.txt\n`, Buildfile: buildfile() });
  const refused = await ebuild(["--progress", "plain", "+dockerfile"], { cwd: dir, env: { DOCKER_CONFIG: noCredentials } });
  assert.equal(refused.code, 1, refused.stderr + refused.stdout);
  assert.match(refused.stderr, /Buildfile:3:5: FROM DOCKERFILE: the Dockerfile frontend failed: .*(401|[Uu]nauthorized|authoriz)/);
});
