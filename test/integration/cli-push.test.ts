/**
 * `ebuild --push` as a user runs it: images saved with SAVE IMAGE --push reach a registry that
 * wants a login, with the credentials from the user's Docker config; a wrong password fails the
 * build and pushes nothing; without --push the summary says what was not pushed.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { ebuild, project } from "../support/cli.js";
import { startRegistry } from "../support/registry.js";

const run = promisify(execFile);
const user = "pusher";
const password = "s3cret pass";

async function dockerConfig(host: string, secret: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "ebuild-docker-config-"));
  const auth = Buffer.from(`${user}:${secret}`).toString("base64");
  await writeFile(join(dir, "config.json"), JSON.stringify({ auths: { [host]: { auth } } }), { mode: 0o600 });
  return dir;
}

function buildfile(image: string): string {
  return `VERSION 0.8
FROM ebuild-fixture/busybox:latest
app:
    RUN echo pushed-by-ebuild > /hello.txt
    SAVE IMAGE --push ${image}
`;
}

test("--push pushes SAVE IMAGE --push images with the Docker config's credentials; without it nothing is pushed", async () => {
  const registry = await startRegistry({ auth: { user, password } });
  const image = `${registry.address}/ebuild-test/cli-push:1`;
  const basic = `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
  const manifest = () =>
    fetch(`http://${registry.address}/v2/ebuild-test/cli-push/manifests/1`, {
      headers: { authorization: basic, accept: "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json" },
    });
  const good = await dockerConfig(registry.address, password);
  const wrong = await dockerConfig(registry.address, "not the password");
  const dir = await project({ Buildfile: buildfile(image) });
  try {
    const without = await ebuild(["--progress", "plain", "+app"], { cwd: dir, env: { DOCKER_CONFIG: good } });
    assert.equal(without.code, 0, without.stderr + without.stdout);
    assert.match(without.stdout, new RegExp(`did not push ${image.replace(/[.:/]/g, "\\$&")}: run with --push`));
    assert.equal((await manifest()).status, 404, "nothing is pushed without --push");

    const refused = await ebuild(["--progress", "plain", "--push", "+app"], { cwd: dir, env: { DOCKER_CONFIG: wrong } });
    assert.equal(refused.code, 1, refused.stderr + refused.stdout);
    assert.match(refused.stderr, /pushing .*cli-push:1 failed: .*(unauthorized|authentication required)/i);
    assert.match(refused.stderr, /docker login/);
    assert.equal((await manifest()).status, 404, "a refused push leaves nothing in the registry");

    const pushed = await ebuild(["--progress", "plain", "--push", "+app"], { cwd: dir, env: { DOCKER_CONFIG: good } });
    assert.equal(pushed.code, 0, pushed.stderr + pushed.stdout);
    assert.match(pushed.stdout, /pushed image\s+\S*cli-push:1/);
    const response = await manifest();
    assert.equal(response.status, 200);
    const body = (await response.json()) as { layers?: unknown[] };
    assert.ok((body.layers ?? []).length > 0, "the pushed manifest has layers");
  } finally {
    await run("docker", ["rmi", image]).catch(() => undefined);
    await registry.stop();
    await Promise.all([good, wrong, dir].map((d) => rm(d, { recursive: true, force: true })));
  }
});

test("RUN --push runs only under --push, after the rest of the build", async () => {
  const marker = `push-run-${process.pid}-${Date.now()}`;
  const dir = await project({
    Buildfile: `VERSION 0.8
FROM ebuild-fixture/busybox:latest
deploy:
    RUN echo built > /built.txt
    RUN --push echo "${marker}" "$(cat /built.txt)"
`,
  });
  try {
    const without = await ebuild(["--progress", "plain", "+deploy"], { cwd: dir });
    assert.equal(without.code, 0, without.stderr + without.stdout);
    assert.doesNotMatch(without.stdout, new RegExp(`${marker} built`));
    assert.match(without.stdout, /not run: RUN --push echo .*: RUN --push without --push/);

    const pushed = await ebuild(["--progress", "plain", "--push", "+deploy"], { cwd: dir });
    assert.equal(pushed.code, 0, pushed.stderr + pushed.stdout);
    assert.match(pushed.stdout, new RegExp(`${marker} built`));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
