/**
 * The build cache as a user steers it: --no-cache runs every step again (and still caches it),
 * --cache-to / --cache-from move the cache through a registry, unsupported backends say so.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
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

test("an unsupported cache backend is refused with a clear message and exit code 2", async () => {
  const dir = await project({ Buildfile: stamp("local-cache") });
  try {
    const run = await ebuild(["--cache-to", "type=local,dest=./cache", "+stamp"], { cwd: dir });
    assert.equal(run.code, 2, run.stderr + run.stdout);
    assert.match(run.stderr, /type=local is not supported/);
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
  } finally {
    await registry.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

test("--cache-to type=inline and --cache-from an image build and push with the image", async () => {
  const registry = await startRegistry();
  const image = `${registry.address}/ebuild-test/inline:1`;
  const dir = await project({
    Buildfile: `VERSION 0.8
FROM ebuild-fixture/busybox:latest
app:
    RUN echo inline-cache-${process.pid}-${Date.now()} > /seed
    SAVE IMAGE --push ${image}
`,
  });
  try {
    const first = await ebuild(["--progress", "plain", "--push", "--cache-to", "type=inline", "+app"], { cwd: dir });
    assert.equal(first.code, 0, first.stderr + first.stdout);
    const config = await fetch(`http://${registry.address}/v2/ebuild-test/inline/manifests/1`, {
      headers: { accept: "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json" },
    });
    assert.equal(config.status, 200);
    const second = await ebuild(["--progress", "plain", "--cache-from", image, "+app"], { cwd: dir });
    assert.equal(second.code, 0, second.stderr + second.stdout);
  } finally {
    await new Promise((done) => execFile("docker", ["rmi", image], () => done(undefined)));
    await registry.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
