/**
 * Artifact mode (-a), image mode (--image), --output type=tar and --metadata-file as a user meets
 * them: only what was asked for lands on disk or in Docker, and the metadata file says what did.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { ebuild, project } from "../support/cli.js";

const run = promisify(execFile);
const image = `ebuild-test/output-modes:${process.pid}`;
const buildfile = `VERSION 0.8
FROM ebuild-fixture/busybox:latest
WORKDIR /w
build:
    ARG GREETING=hello
    RUN mkdir -p dist && echo "$GREETING" > dist/a.txt && echo b > dist/b.txt && echo report > report.txt
    SAVE ARTIFACT dist
    SAVE ARTIFACT report.txt
    SAVE ARTIFACT report.txt AS LOCAL local/report.txt
img:
    FROM +build
    SAVE ARTIFACT report.txt AS LOCAL local/img-report.txt
    SAVE IMAGE ${image}
`;

test("-a writes only the named artifact: to ./ by default, into dest/ or as a new name, +t/* for all", async () => {
  const dir = await project({ Buildfile: buildfile });
  try {
    const plain = await ebuild(["--progress", "plain", "-a", "+build/report.txt"], { cwd: dir });
    assert.equal(plain.code, 0, plain.stderr + plain.stdout);
    assert.equal(await readFile(join(dir, "report.txt"), "utf8"), "report\n");
    assert.equal(existsSync(join(dir, "local")), false, "AS LOCAL outputs are not written in artifact mode");

    const renamed = await ebuild(["--progress", "plain", "-a", "+build/dist/a.txt", "out/greeting.txt", "--GREETING=hi"], { cwd: dir });
    assert.equal(renamed.code, 0, renamed.stderr + renamed.stdout);
    assert.equal(await readFile(join(dir, "out/greeting.txt"), "utf8"), "hi\n");

    const directory = await ebuild(["--progress", "plain", "-a", "+build/dist", "into/"], { cwd: dir });
    assert.equal(directory.code, 0, directory.stderr + directory.stdout);
    assert.equal(await readFile(join(dir, "into/dist/b.txt"), "utf8"), "b\n");

    const all = await ebuild(["--progress", "plain", "-a", "+build/*", "everything"], { cwd: dir });
    assert.equal(all.code, 0, all.stderr + all.stdout);
    assert.equal(await readFile(join(dir, "everything/report.txt"), "utf8"), "report\n");
    assert.equal(await readFile(join(dir, "everything/dist/a.txt"), "utf8"), "hello\n");

    const bad = await ebuild(["-a", "+build"], { cwd: dir });
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /name an artifact as \+target\/path/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("--image outputs only the target's image, and --metadata-file records its digest", async () => {
  const dir = await project({ Buildfile: buildfile });
  try {
    const result = await ebuild(["--progress", "plain", "--metadata-file", "meta.json", "--image", "+img"], { cwd: dir });
    assert.equal(result.code, 0, result.stderr + result.stdout);
    assert.equal(existsSync(join(dir, "local")), false, "AS LOCAL outputs are not written in image mode");
    const { stdout } = await run("docker", ["image", "inspect", "--format", "{{.Id}}", image]);
    const metadata = JSON.parse(await readFile(join(dir, "meta.json"), "utf8")) as { images: Array<{ name: string; digest?: string; pushed: boolean }> };
    assert.equal(metadata.images.length, 1);
    assert.equal(metadata.images[0]!.name, image);
    assert.equal(metadata.images[0]!.pushed, false);
    assert.match(metadata.images[0]!.digest ?? "", /^sha256:[0-9a-f]{64}$/);
    assert.match(stdout.trim(), /^sha256:[0-9a-f]{64}$/);

    const none = await ebuild(["--image", "+build"], { cwd: dir });
    assert.equal(none.code, 2, none.stderr);
    assert.match(none.stderr, /saves no image/);
  } finally {
    await run("docker", ["rmi", image]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
});

test("--output type=tar writes the image's file system to a file", async () => {
  const dir = await project({ Buildfile: buildfile });
  try {
    const result = await ebuild(["--progress", "plain", "--output", "type=tar,dest=out/img.tar", "+img"], { cwd: dir });
    assert.equal(result.code, 0, result.stderr + result.stdout);
    const { stdout } = await run("tar", ["-tf", join(dir, "out/img.tar")]);
    assert.ok(stdout.split("\n").some((line) => /^(\.\/)?w\/dist\/a\.txt$/.test(line)), stdout.slice(0, 500));
    assert.equal(existsSync(join(dir, "local")), false);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("--output type=docker and type=oci write an archive that names the image: docker load brings it back, it runs", async () => {
  const dir = await project({ Buildfile: buildfile });
  try {
    const docker = await ebuild(["--progress", "plain", "--output", "type=docker,dest=out/img.tar", "+img", "--GREETING=from-archive"], { cwd: dir });
    assert.equal(docker.code, 0, docker.stderr + docker.stdout);
    assert.equal(existsSync(join(dir, "local")), false);
    const archive = join(dir, "out/img.tar");
    const manifest = JSON.parse((await run("tar", ["-xOf", archive, "manifest.json"])).stdout) as Array<{ RepoTags: string[] }>;
    assert.deepEqual(manifest.map((m) => m.RepoTags).flat(), [image]);

    // The archive alone restores the image: remove it from the store, load, run.
    await run("docker", ["rmi", image]);
    const loaded = await run("docker", ["load", "-i", archive]);
    assert.match(loaded.stdout, new RegExp(`Loaded image: ${image.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
    const { stdout } = await run("docker", ["run", "--rm", "--network", "none", image, "cat", "/w/dist/a.txt"]);
    assert.equal(stdout, "from-archive\n");

    const oci = await ebuild(["--progress", "plain", "--output", "type=oci,dest=oci.tar", "+img"], { cwd: dir });
    assert.equal(oci.code, 0, oci.stderr + oci.stdout);
    const entries = (await run("tar", ["-tf", join(dir, "oci.tar")])).stdout.split("\n");
    assert.ok(entries.includes("oci-layout") && entries.includes("index.json"), entries.slice(0, 20).join(" "));
    const index = JSON.parse((await run("tar", ["-xOf", join(dir, "oci.tar"), "index.json"])).stdout) as { manifests: Array<{ annotations?: Record<string, string> }> };
    assert.ok(index.manifests.some((m) => Object.values(m.annotations ?? {}).some((v) => v.includes("output-modes"))), JSON.stringify(index));

    const unnamed = await project({ Buildfile: "VERSION 0.8\nFROM ebuild-fixture/busybox:latest\nimg:\n    SAVE IMAGE\n" });
    try {
      const refused = await ebuild(["--output", "type=docker,dest=x.tar", "+img"], { cwd: unnamed });
      assert.equal(refused.code, 2, refused.stderr);
      assert.match(refused.stderr, /saves no image/);
      assert.equal(existsSync(join(unnamed, "x.tar")), false);
    } finally {
      await rm(unnamed, { recursive: true, force: true });
    }
  } finally {
    await run("docker", ["rmi", image]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
});
