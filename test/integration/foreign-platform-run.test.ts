/**
 * RUN for a platform other than the daemon's, through the real CLI: the kernel hands the arm64
 * programs of a RUN to qemu (scripts/emulators registers the handler), so a target that RUNs
 * `uname -m` built for linux/amd64 and linux/arm64 yields per-platform images and artifacts that
 * say x86_64 and aarch64. The base is the fixture busybox of each architecture
 * (`ebuild-fixture/busybox-<arch>`, scripts/fixture-images): Docker's store uses a local image only
 * for its own platform. Emulated RUNs are slow, so each one is a single `uname`; each writes this
 * run's id too, so that BuildKit's cache never answers for it.
 */
import assert from "node:assert/strict";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { ebuild, project } from "../support/cli.js";
import { docker } from "../support/docker.js";
import { arm64Emulation } from "../support/emulation.js";

const arm64Base = "ebuild-fixture/busybox-arm64:latest";

/** Skips when arm64 programs cannot run on this machine at all; fails when only the setup is missing. */
async function needArm64(t: TestContext): Promise<boolean> {
  const state = await arm64Emulation();
  if ("skip" in state) {
    t.skip(state.skip);
    return false;
  }
  if (!state.ready) assert.fail(state.setupMissing);
  const base = await docker(["image", "inspect", "--format", "{{.Architecture}}", arm64Base]).catch(() => "");
  assert.equal(base.trim(), "arm64", `${arm64Base} is missing: run scripts/fixture-images (needs the Debian mirror once)`);
  return true;
}

const runId = `${process.pid}-${Date.now()}`;

async function architecture(image: string): Promise<string> {
  return (await docker(["image", "inspect", "--format", "{{.Architecture}}", image])).trim();
}

/** What `cat /arch` prints in a container of `image`, run for `platform`. */
async function archFile(image: string, platform: string): Promise<string> {
  return (await docker(["run", "--rm", "--platform", platform, image, "cat", "/arch"])).trim();
}

test("a target that RUNs uname, built for linux/amd64 and linux/arm64, saves images and artifacts that say x86_64 and aarch64", async (t) => {
  if (!(await needArm64(t))) return;
  const image = `ebuild-qemu/arch:${process.pid}`;
  const dir = await project({
    Buildfile: `VERSION 0.8
all:
    BUILD --platform=linux/amd64 --platform=linux/arm64 +arch
arch:
    ARG TARGETARCH
    FROM ebuild-fixture/busybox-$TARGETARCH:latest
    RUN uname -m > /arch && echo ${runId} > /run-id
    SAVE ARTIFACT /arch AS LOCAL out/$TARGETARCH.txt
    SAVE IMAGE ${image}
`,
  });
  const stored = [image, `${image}_linux_amd64`, `${image}_linux_arm64`];
  try {
    const result = await ebuild(["--progress", "plain", "+all"], { cwd: dir });
    assert.equal(result.code, 0, result.stderr + result.stdout);
    assert.equal(await architecture(`${image}_linux_arm64`), "arm64");
    assert.equal(await architecture(`${image}_linux_amd64`), "amd64");
    assert.equal(await archFile(`${image}_linux_arm64`, "linux/arm64"), "aarch64", "the arm64 image's RUN ran as aarch64");
    assert.equal(await archFile(`${image}_linux_amd64`, "linux/amd64"), "x86_64");
    assert.equal(await readFile(join(dir, "out", "arm64.txt"), "utf8"), "aarch64\n");
    assert.equal(await readFile(join(dir, "out", "amd64.txt"), "utf8"), "x86_64\n");
  } finally {
    for (const name of stored) await docker(["rmi", name]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
});

test("ebuild --platform linux/arm64 runs the target's RUNs as aarch64, and a RUN that fails there fails the build at its line", async (t) => {
  if (!(await needArm64(t))) return;
  const image = `ebuild-qemu/single:${process.pid}`;
  const dir = await project({
    Buildfile: `VERSION 0.8
arch:
    FROM ${arm64Base}
    RUN uname -m > /arch && echo ${runId} > /run-id
    SAVE IMAGE ${image}
native-only:
    FROM ${arm64Base}
    RUN test "$(uname -m)" = x86_64
`,
  });
  try {
    const built = await ebuild(["--progress", "plain", "--platform", "linux/arm64", "+arch"], { cwd: dir });
    assert.equal(built.code, 0, built.stderr + built.stdout);
    assert.equal(await architecture(image), "arm64");
    assert.equal(await archFile(image, "linux/arm64"), "aarch64");

    const failed = await ebuild(["--progress", "plain", "--platform", "linux/arm64", "+native-only"], { cwd: dir });
    assert.equal(failed.code, 1, failed.stderr + failed.stdout);
    assert.match(failed.stderr, /Buildfile:8:5/);
  } finally {
    await docker(["rmi", image]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
});
