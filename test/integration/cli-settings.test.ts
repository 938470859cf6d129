/**
 * Environment defaults as a CI job sets them: each documented EBUILD_* (or EARTHLY_*) variable and
 * `.env`/`.arg`/`.secret` line changes what the real `ebuild` process does, and a flag on the
 * command line beats its variable.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { ebuild, project } from "../support/cli.js";
import { startRegistry } from "../support/registry.js";

const nonce = () => `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;

// No RUN: a scratch target builds for any platform without emulation.
const filesOnly = `VERSION 0.8
FROM scratch
t:
    COPY a.txt /a.txt
    ARG TARGETARCH
    ARG NAME=default
    SAVE ARTIFACT /a.txt AS LOCAL out/$TARGETARCH-$NAME.txt
`;

const run = (dir: string, args: string[], env: NodeJS.ProcessEnv = {}) => ebuild(args, { cwd: dir, env });
const ok = (result: { code: number; stdout: string; stderr: string }) => assert.equal(result.code, 0, result.stderr + result.stdout);

test("platform, build args, output and progress come from EBUILD_*, EARTHLY_*, .env and .arg; flags beat them", async () => {
  const dir = await project({ Buildfile: filesOnly, "a.txt": "a\n" });
  const outputs = async () => {
    const found = existsSync(join(dir, "out")) ? (await import("node:fs/promises")).readdir(join(dir, "out")) : Promise.resolve([]);
    const names = (await found).sort();
    await rm(join(dir, "out"), { recursive: true, force: true });
    return names;
  };
  try {
    ok(await run(dir, ["--progress", "plain", "+t"], { EBUILD_PLATFORMS: "linux/arm64" }));
    assert.deepEqual(await outputs(), ["arm64-default.txt"], "EBUILD_PLATFORMS");
    ok(await run(dir, ["--progress", "plain", "--platform", "linux/s390x", "+t"], { EBUILD_PLATFORMS: "linux/arm64" }));
    assert.deepEqual(await outputs(), ["s390x-default.txt"], "--platform beats EBUILD_PLATFORMS");

    ok(await run(dir, ["--progress", "plain", "+t"], { EBUILD_BUILD_ARGS: "NAME=env" }));
    assert.deepEqual(await outputs(), ["amd64-env.txt"], "EBUILD_BUILD_ARGS");
    ok(await run(dir, ["--progress", "plain", "+t", "--NAME=flag"], { EARTHLY_BUILD_ARGS: "NAME=env" }));
    assert.deepEqual(await outputs(), ["amd64-flag.txt"], "--NAME beats EARTHLY_BUILD_ARGS");
    await writeFile(join(dir, ".arg"), "NAME=dotarg\n");
    ok(await run(dir, ["--progress", "plain", "+t"]));
    assert.deepEqual(await outputs(), ["amd64-dotarg.txt"], ".arg");
    await rm(join(dir, ".arg"));

    ok(await run(dir, ["--progress", "plain", "+t"], { EBUILD_NO_OUTPUT: "true" }));
    assert.deepEqual(await outputs(), [], "EBUILD_NO_OUTPUT");
    ok(await run(dir, ["--progress", "plain", "--output", "+t"], { EBUILD_NO_OUTPUT: "true" }));
    assert.deepEqual(await outputs(), ["amd64-default.txt"], "--output beats EBUILD_NO_OUTPUT");
    ok(await run(dir, ["--progress", "plain", "+t"], { EBUILD_CI: "true", EBUILD_OUTPUT: "true" }));
    assert.deepEqual(await outputs(), ["amd64-default.txt"], "EBUILD_OUTPUT under EBUILD_CI");
    ok(await run(dir, ["--progress", "plain", "--no-output", "+t"], { EBUILD_OUTPUT: "true" }));
    assert.deepEqual(await outputs(), [], "--no-output beats EBUILD_OUTPUT");

    await writeFile(join(dir, ".env"), "EBUILD_PROGRESS=json\nEBUILD_PLATFORMS=linux/arm64\n");
    const json = await run(dir, ["+t"]);
    ok(json);
    assert.ok(json.stdout.trim().split("\n").every((line) => JSON.parse(line) !== undefined), ".env EBUILD_PROGRESS=json: every line is JSON");
    assert.deepEqual(await outputs(), ["arm64-default.txt"], ".env EBUILD_PLATFORMS");
    const plain = await run(dir, ["--progress", "plain", "+t"], { EBUILD_PLATFORMS: "linux/s390x" });
    ok(plain);
    assert.match(plain.stdout, /^artifact +\S+out\/s390x-default\.txt$/m, "--progress beats .env, the environment beats .env");
    assert.deepEqual(await outputs(), ["s390x-default.txt"]);
    await rm(join(dir, ".env"));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("EBUILD_BUILDKIT_HOST picks the daemon (exit 6 when none answers there); --buildkit-host beats it", async () => {
  const dir = await project({ Buildfile: filesOnly, "a.txt": "a\n" });
  try {
    const env = { EBUILD_BUILDKIT_HOST: `unix://${dir}/from-env.sock`, BUILDKIT_HOST: "" };
    const fromEnv = await run(dir, ["--progress", "plain", "+t"], env);
    assert.equal(fromEnv.code, 6, fromEnv.stderr);
    assert.match(fromEnv.stderr, /from-env\.sock/);
    const fromFlag = await run(dir, ["--progress", "plain", "--buildkit-host", `unix://${dir}/from-flag.sock`, "+t"], env);
    assert.equal(fromFlag.code, 6, fromFlag.stderr);
    assert.match(fromFlag.stderr, /from-flag\.sock/);
    assert.doesNotMatch(fromFlag.stderr, /from-env\.sock/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("EBUILD_NO_CACHE, EBUILD_SECRETS, .secret, EBUILD_SECRET_FILES and EBUILD_ALLOW_PRIVILEGED take effect", async () => {
  const dir = await project({
    Buildfile: `VERSION 0.8
FROM ebuild-fixture/busybox:latest
WORKDIR /w
stamp:
    RUN echo ${nonce()} > /seed && cat /proc/sys/kernel/random/uuid > stamp
    SAVE ARTIFACT stamp AS LOCAL out/stamp
secret:
    # BuildKit caches a RUN whatever its secret's value: a fresh BUST each run makes it run again.
    ARG BUST
    RUN --secret TOKEN=token sh -c 'echo -n "$TOKEN" > s.txt'
    SAVE ARTIFACT s.txt AS LOCAL out/s.txt
privileged:
    RUN --privileged echo ${nonce()} > p.txt
    SAVE ARTIFACT p.txt AS LOCAL out/p.txt
`,
    "token.txt": "from-file",
  });
  const read = (path: string) => readFile(join(dir, "out", path), "utf8");
  const bust = () => `--BUST=${nonce()}`;
  try {
    ok(await run(dir, ["--progress", "plain", "+stamp"]));
    const first = await read("stamp");
    ok(await run(dir, ["--progress", "plain", "+stamp"]));
    assert.equal(await read("stamp"), first, "cached without EBUILD_NO_CACHE");
    ok(await run(dir, ["--progress", "plain", "+stamp"], { EARTHLY_NO_CACHE: "true" }));
    assert.notEqual(await read("stamp"), first, "EARTHLY_NO_CACHE runs the RUN again");

    ok(await run(dir, ["--progress", "plain", "+secret", bust()], { EBUILD_SECRETS: "token=from-env" }));
    assert.equal(await read("s.txt"), "from-env", "EBUILD_SECRETS");
    ok(await run(dir, ["--progress", "plain", "-s", "token=from-flag", "+secret", bust()], { EBUILD_SECRETS: "token=from-env" }));
    assert.equal(await read("s.txt"), "from-flag", "-s beats EBUILD_SECRETS");
    ok(await run(dir, ["--progress", "plain", "+secret", bust()], { EBUILD_SECRET_FILES: "token=token.txt" }));
    assert.equal(await read("s.txt"), "from-file", "EBUILD_SECRET_FILES");
    await writeFile(join(dir, ".secret"), "token=from-dotsecret\n");
    const dotSecret = await run(dir, ["--progress", "plain", "+secret", bust()]);
    ok(dotSecret);
    assert.equal(await read("s.txt"), "from-dotsecret", ".secret");
    assert.ok(!(dotSecret.stdout + dotSecret.stderr).includes("from-dotsecret"), "a .secret value is redacted like any secret");

    const refused = await run(dir, ["--progress", "plain", "+privileged"]);
    assert.equal(refused.code, 9, refused.stderr);
    const consented = await run(dir, ["--progress", "plain", "+privileged"], { EBUILD_ALLOW_PRIVILEGED: "true" });
    // The shared dockerd may itself refuse security.insecure (it is not ours to reconfigure); either
    // way the consent check passed, so the exit code is no longer 9.
    if (consented.code === 0) assert.equal(existsSync(join(dir, "out/p.txt")), true);
    else assert.match(consented.stderr + consented.stdout, /entitlement security\.insecure is not allowed by build daemon/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("EBUILD_PUSH pushes SAVE IMAGE --push images; EBUILD_CACHE_TO is used unless --cache-to is given", async () => {
  const registry = await startRegistry();
  const image = `${registry.address}/ebuild-cli-settings/app:1`;
  const dir = await project({
    Buildfile: `VERSION 0.8
FROM ebuild-fixture/busybox:latest
app:
    RUN echo ${nonce()} > /seed
    SAVE IMAGE --push ${image}
`,
  });
  const manifest = () =>
    fetch(`http://${registry.address}/v2/ebuild-cli-settings/app/manifests/1`, {
      headers: { accept: "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json" },
    }).then((r) => r.status);
  try {
    ok(await run(dir, ["--progress", "plain", "+app"]));
    assert.equal(await manifest(), 404, "nothing pushed without --push");
    const refused = await run(dir, ["--progress", "plain", "+app"], { EBUILD_PUSH: "true", EBUILD_CACHE_TO: "type=local,dest=cache" });
    assert.equal(refused.code, 2, "EBUILD_CACHE_TO is read: " + refused.stderr);
    assert.match(refused.stderr, /--cache-to type=local/);
    ok(await run(dir, ["--progress", "plain", "--cache-to", "type=inline", "+app"], { EBUILD_PUSH: "true", EBUILD_CACHE_TO: "type=local,dest=cache" }));
    assert.equal(await manifest(), 200, "EBUILD_PUSH=true pushed, and --cache-to beat EBUILD_CACHE_TO");
  } finally {
    await new Promise((done) => import("node:child_process").then(({ execFile }) => execFile("docker", ["rmi", image], () => done(undefined))));
    await registry.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
