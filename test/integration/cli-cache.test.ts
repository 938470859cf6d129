/**
 * The build cache as a user steers it: --no-cache runs every step again (and still caches it),
 * --cache-to / --cache-from move the cache through a registry, unsupported backends say so.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { ebuild, project } from "../support/cli.js";
import { startRegistry } from "../support/registry.js";

const stamp = (seed: string) => `VERSION 0.8
FROM ebuild-fixture/busybox:latest
stamp:
    RUN echo ${seed} > /seed && cat /proc/sys/kernel/random/uuid > /stamp
    SAVE ARTIFACT /stamp AS LOCAL out/stamp
`;

test("--no-cache runs a cached RUN again; the next build without it reuses the new result", async () => {
  const dir = await project({ Buildfile: stamp(`no-cache-${process.pid}-${Date.now()}`) });
  try {
    const read = () => readFile(join(dir, "out/stamp"), "utf8");
    const first = await ebuild(["--progress", "plain", "+stamp"], { cwd: dir });
    assert.equal(first.code, 0, first.stderr + first.stdout);
    const cached = await ebuild(["--progress", "plain", "+stamp"], { cwd: dir });
    assert.equal(cached.code, 0, cached.stderr + cached.stdout);
    const before = await read();
    assert.match(before, /^[0-9a-f-]{36}\n$/);

    const fresh = await ebuild(["--progress", "plain", "--no-cache", "+stamp"], { cwd: dir });
    assert.equal(fresh.code, 0, fresh.stderr + fresh.stdout);
    const after = await read();
    assert.notEqual(after, before, "the RUN ran again under --no-cache");

    const again = await ebuild(["--progress", "plain", "+stamp"], { cwd: dir });
    assert.equal(again.code, 0, again.stderr + again.stdout);
    assert.equal(await read(), after, "the --no-cache result went into the cache");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("--cache-from/--cache-to type=local are refused before the build, exit 2, and make no folder", async () => {
  const dir = await project({ Buildfile: stamp("local-cache") });
  try {
    const to = await ebuild(["--cache-to", "type=local,dest=./cache", "+stamp"], { cwd: dir });
    assert.equal(to.code, 2, to.stderr + to.stdout);
    assert.match(to.stderr, /--cache-to type=local \(.*\/cache\) is not supported: ebuild does not serve a local cache store/);
    assert.equal(existsSync(join(dir, "cache")), false);
    const from = await ebuild(["--cache-from", "type=local", "+stamp"], { cwd: dir });
    assert.equal(from.code, 2, from.stderr + from.stdout);
    assert.match(from.stderr, /--cache-from type=local needs src=DIR/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("--cache-to type=gha takes the Actions runtime token, which Docker's BuildKit refuses by name; the token is never printed", async () => {
  const dir = await project({ Buildfile: stamp("gha-cache") });
  const token = `gha-token-${process.pid}`;
  try {
    const missing = await ebuild(["--cache-to", "type=gha", "+stamp"], { cwd: dir, env: { ACTIONS_RUNTIME_TOKEN: "", ACTIONS_CACHE_URL: "" } });
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /type=gha needs the GitHub Actions cache service/);
    const run = await ebuild(["--progress", "plain", "--cache-to", "type=gha,scope=ebuild-test", "+stamp"], {
      cwd: dir,
      env: { ACTIONS_RUNTIME_TOKEN: token, ACTIONS_CACHE_URL: "http://127.0.0.1:9/" },
    });
    assert.equal(run.code, 2, run.stderr + run.stdout);
    assert.match(run.stderr, /this BuildKit daemon cannot export a "gha" cache \(--cache-to type=gha\)/);
    assert.match(run.stderr, /standalone buildkitd/);
    assert.ok(!(run.stdout + run.stderr).includes(token), "the gha token is redacted");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("--cache-to type=registry on Docker's BuildKit says the daemon cannot export it, exit 2", async () => {
  const registry = await startRegistry();
  const dir = await project({ Buildfile: stamp("registry-cache") });
  try {
    const ref = `${registry.address}/ebuild-test/cache:latest`;
    const run = await ebuild(["--progress", "plain", "--cache-to", `type=registry,ref=${ref}`, "+stamp"], { cwd: dir });
    assert.equal(run.code, 2, run.stderr + run.stdout);
    assert.match(run.stderr, /cannot export a "registry" cache \(--cache-to type=registry\)/);
    assert.match(run.stderr, /type=inline/);
    // EBUILD_REMOTE_CACHE under --push exports a registry cache too, and the daemon says the same.
    const remote = await ebuild(["--progress", "plain", "--push", "+stamp"], { cwd: dir, env: { EBUILD_REMOTE_CACHE: ref } });
    assert.equal(remote.code, 2, remote.stderr + remote.stdout);
    assert.match(remote.stderr, /cannot export a "registry" cache/);
  } finally {
    await registry.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

test("an inline cache pushed with the image is reused by --cache-from after the local cache of that step is gone", async () => {
  const registry = await startRegistry();
  const token = `ebuild-cli-inline-${process.pid}-${Date.now()}`;
  const repo = `${registry.address}/ebuild-cli-cache/inline`;
  const dir = await project({
    Buildfile: `VERSION 0.8
FROM ebuild-fixture/busybox:latest
app:
    RUN echo ${token} > /token && cat /proc/sys/kernel/random/uuid > /stamp
    # Declared after the RUN, so the tag is not part of the RUN's environment or cache key.
    ARG TAG=1
    SAVE IMAGE --push ${repo}:$TAG
`,
  });
  const stampOf = async (tag: string) => (await docker("run", "--rm", `${repo}:${tag}`, "cat", "/stamp")).trim();
  // Only this test's own cache entries: their descriptions carry the token.
  const forgetStep = async () => {
    await docker("rmi", "-f", `${repo}:1`, `${repo}:2`, `${repo}:3`).catch(() => "");
    const pruned = await ebuild(["prune", "--filter", `description~=${token}`], { cwd: dir, env: { BUILDKIT_HOST: "" } });
    assert.equal(pruned.code, 0, pruned.stderr);
  };
  try {
    const first = await ebuild(["--progress", "plain", "--push", "--cache-to", "type=inline", "+app"], { cwd: dir });
    assert.equal(first.code, 0, first.stderr + first.stdout);
    const pushed = await stampOf("1");
    assert.match(pushed, /^[0-9a-f-]{36}$/);

    await forgetStep();
    const reused = await ebuild(["--progress", "plain", "--cache-from", `${repo}:1`, "+app", "--TAG=2"], { cwd: dir });
    assert.equal(reused.code, 0, reused.stderr + reused.stdout);
    assert.equal(await stampOf("2"), pushed, `the RUN came from the pushed image's inline cache:\n${reused.stdout}${reused.stderr}`);
    assert.match(reused.stdout, /\*cached\* --> RUN echo ebuild-cli-inline/);

    // The control: without --cache-from the same build runs the step again.
    await forgetStep();
    const fresh = await ebuild(["--progress", "plain", "+app", "--TAG=3"], { cwd: dir });
    assert.equal(fresh.code, 0, fresh.stderr + fresh.stdout);
    assert.notEqual(await stampOf("3"), pushed);
  } finally {
    await docker("rmi", "-f", `${repo}:1`, `${repo}:2`, `${repo}:3`).catch(() => "");
    await registry.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

function docker(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile("docker", args, (error, stdout, stderr) => (error ? reject(new Error(`docker ${args.join(" ")}: ${stderr}`)) : resolve(stdout))),
  );
}
