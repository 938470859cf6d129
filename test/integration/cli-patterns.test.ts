/**
 * The Buildfile patterns of issue #6's "done when", through the real `ebuild` process on the real
 * daemon, checked as a user would: files on disk, `docker image inspect`, `docker run`, the summary.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { ebuild, project } from "../support/cli.js";

const nonce = `${process.pid}-${Date.now()}`;
const repo = "ebuild-cli-patterns";
const header = "VERSION 0.8\nFROM ebuild-fixture/busybox:latest\n";

function docker(...args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => execFile("docker", args, (error, stdout) => resolve({ code: error ? 1 : 0, stdout })));
}
const imageId = async (name: string) => (await docker("image", "inspect", "--format", "{{.Id}}", name)).stdout.trim();
const cat = async (name: string, path: string) => (await docker("run", "--rm", name, "cat", path)).stdout;
const removeImages = (...names: string[]) => docker("rmi", "-f", ...names);

test("BUILD +img then FROM +img: img's SAVE IMAGE and artifact fire once, and the app is built on img", async () => {
  const img = `${repo}/img:${nonce}`;
  const app = `${repo}/app:${nonce}`;
  const dir = await project({
    Buildfile: `${header}
img:
    RUN echo "img ${nonce}" > /img.txt
    SAVE ARTIFACT /img.txt AS LOCAL out/img.txt
    SAVE IMAGE ${img}
app:
    BUILD +img
    FROM +img
    RUN cat /img.txt > /app.txt && echo app >> /app.txt
    SAVE IMAGE ${app}
`,
  });
  try {
    const run = await ebuild(["--progress", "plain", "--metadata-file", "meta.json", "+app"], { cwd: dir });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.equal(run.stdout.split("\n").filter((line) => line.startsWith("saved image") && line.includes(img)).length, 1, run.stdout);
    const meta = JSON.parse(await readFile(join(dir, "meta.json"), "utf8")) as { images: Array<{ name: string; digest?: string }>; artifacts: unknown[] };
    assert.equal(meta.images.filter((i) => i.name === img).length, 1, "img saved once");
    assert.equal(meta.images.filter((i) => i.name === app).length, 1);
    assert.equal(meta.artifacts.length, 1, "img's artifact written once");
    assert.equal(await readFile(join(dir, "out/img.txt"), "utf8"), `img ${nonce}\n`);
    assert.equal(await imageId(img), meta.images.find((i) => i.name === img)!.digest);
    assert.equal(await cat(app, "/app.txt"), `img ${nonce}\napp\n`);
  } finally {
    await removeImages(img, app);
    await rm(dir, { recursive: true, force: true });
  }
});

test("a FUNCTION wrapper takes the target as an ARG, BUILD --pass-args + FROM it; CLI args reach the image and its AS LOCAL artifact", async () => {
  const dir = await project({
    Buildfile: `${header}
PUBLISH:
    FUNCTION
    ARG --required T
    BUILD --pass-args $T
    FROM --pass-args $T
release:
    DO --pass-args +PUBLISH --T=./img+img
    RUN echo released >> /version.txt
    ARG VERSION=none
    SAVE IMAGE ${repo}/release:$VERSION-${nonce}
`,
    // Another Buildfile: the CLI's --VERSION reaches it only through --pass-args.
    "img/Buildfile": `${header}
img:
    ARG VERSION=0
    RUN echo "version $VERSION" > /version.txt
    SAVE ARTIFACT /version.txt AS LOCAL version.txt
    SAVE IMAGE ${repo}/img:$VERSION-${nonce}
`,
  });
  const names = ["7", "0", "none"].flatMap((v) => [`${repo}/img:${v}-${nonce}`, `${repo}/release:${v}-${nonce}`]);
  try {
    const forwarded = await ebuild(["--progress", "plain", "+release", "--VERSION=7"], { cwd: dir });
    assert.equal(forwarded.code, 0, forwarded.stderr + forwarded.stdout);
    assert.equal(await readFile(join(dir, "img/version.txt"), "utf8"), "version 7\n", "the AS LOCAL artifact, next to img's Buildfile");
    assert.equal(await cat(`${repo}/img:7-${nonce}`, "/version.txt"), "version 7\n");
    assert.equal(await cat(`${repo}/release:7-${nonce}`, "/version.txt"), "version 7\nreleased\n");

    const defaults = await ebuild(["--progress", "plain", "+release"], { cwd: dir });
    assert.equal(defaults.code, 0, defaults.stderr + defaults.stdout);
    assert.equal(await readFile(join(dir, "img/version.txt"), "utf8"), "version 0\n");
    assert.notEqual(await imageId(`${repo}/img:0-${nonce}`), "");
    assert.equal(await cat(`${repo}/release:none-${nonce}`, "/version.txt"), "version 0\nreleased\n");
  } finally {
    await removeImages(...names);
    await rm(dir, { recursive: true, force: true });
  }
});

test("matrix builds: BUILD +t --V=a --V=b and a repeated --V on the command line output every combination", async () => {
  const dir = await project({
    Buildfile: `${header}
t:
    ARG V
    RUN echo "v=$V" > /v.txt
    SAVE ARTIFACT /v.txt AS LOCAL out/$V.txt
    SAVE IMAGE ${repo}/matrix:$V-${nonce}
both:
    BUILD +t --V=a --V=b
`,
  });
  const names = ["a", "b", "c", "d"].map((v) => `${repo}/matrix:${v}-${nonce}`);
  try {
    const inFile = await ebuild(["--progress", "plain", "+both"], { cwd: dir });
    assert.equal(inFile.code, 0, inFile.stderr + inFile.stdout);
    const onCli = await ebuild(["--progress", "plain", "+t", "--V=c", "--V", "d"], { cwd: dir });
    assert.equal(onCli.code, 0, onCli.stderr + onCli.stdout);
    assert.deepEqual((await readdir(join(dir, "out"))).sort(), ["a.txt", "b.txt", "c.txt", "d.txt"]);
    for (const v of ["a", "b", "c", "d"]) {
      assert.equal(await readFile(join(dir, `out/${v}.txt`), "utf8"), `v=${v}\n`);
      assert.equal(await cat(`${repo}/matrix:${v}-${nonce}`, "/v.txt"), `v=${v}\n`);
    }
  } finally {
    await removeImages(...names);
    await rm(dir, { recursive: true, force: true });
  }
});

test("a build that fails after some targets succeeded leaves every earlier output byte-identical and no staging folder", async () => {
  const image = `${repo}/kept:${nonce}`;
  const good = `${header}
files:
    RUN mkdir -p /d/sub && echo one > /d/one.txt && echo two > /d/sub/two.txt && head -c 4096 /dev/urandom > /blob
    SAVE ARTIFACT /d AS LOCAL out/d
    SAVE ARTIFACT /blob AS LOCAL out/blob
    SAVE IMAGE ${image}
all:
    BUILD +files
`;
  const dir = await project({ Buildfile: good });
  const snapshot = async () => {
    const paths = ["out/d/one.txt", "out/d/sub/two.txt", "out/blob"];
    const files = await Promise.all(paths.map(async (p) => ({ p, bytes: await readFile(join(dir, p)), mtime: (await stat(join(dir, p))).mtimeMs })));
    return { files, listing: (await readdir(join(dir, "out"), { recursive: true })).sort(), image: await imageId(image) };
  };
  try {
    const first = await ebuild(["--progress", "plain", "+all"], { cwd: dir });
    assert.equal(first.code, 0, first.stderr + first.stdout);
    const before = await snapshot();

    // The same targets write new content, and a sibling target fails in the same build, late enough
    // that the image was stored by then: its name must still point at the old image.
    await writeFile(
      join(dir, "Buildfile"),
      good.replace("echo one", "echo changed").replace("head -c 4096", "head -c 8192").replace(`SAVE IMAGE ${image}`, `RUN echo new > /new\n    SAVE IMAGE ${image}`) +
        `broken:
    RUN echo about to fail && sleep 3 && exit 7
all2:
    BUILD +files
    BUILD +broken
`,
    );
    const failed = await ebuild(["--progress", "plain", "+all2"], { cwd: dir });
    assert.equal(failed.code, 1, failed.stderr + failed.stdout);
    assert.match(failed.stderr, /exit code: 7|exit 7/);
    assert.deepEqual(await snapshot(), before, "files, mtimes, listing and the image are as they were");
    assert.deepEqual((await readdir(dir)).filter((name) => name.startsWith(".ebuild-staging")), []);
    assert.equal(existsSync(join(dir, "out/d/changed")), false);
  } finally {
    await removeImages(image);
    await rm(dir, { recursive: true, force: true });
  }
});

test("the plain summary lists saved images with digests, artifacts with paths, what did not run and why, time and cache hits", async () => {
  const image = `${repo}/summary:${nonce}`;
  const dir = await project({
    Buildfile: `${header}
t:
    RUN echo ${nonce} > /s.txt
    SAVE ARTIFACT /s.txt AS LOCAL out/s.txt
    SAVE IMAGE --push ${image}
    RUN --push echo would deploy
`,
  });
  try {
    const run = await ebuild(["--progress", "plain", "+t"], { cwd: dir });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const id = await imageId(image);
    assert.match(id, /^sha256:[0-9a-f]{64}$/);
    assert.match(run.stdout, new RegExp(`^saved image +${image.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} +${id}$`, "m"));
    assert.match(run.stdout, new RegExp(`^artifact +${join(dir, "out/s.txt").replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}$`, "m"));
    assert.match(run.stdout, /^not done +\+t: did not push ebuild-cli-patterns\/summary:\S+: run with --push to push it$/m);
    assert.match(run.stdout, /^not done +\+t: not run: RUN --push echo would deploy: RUN --push without --push$/m);
    assert.match(run.stdout, /^Built in [\d.]+m?s; \d+ of \d+ steps cached$/m);

    const again = await ebuild(["--progress", "plain", "--no-output", "+t"], { cwd: dir });
    assert.equal(again.code, 0, again.stderr + again.stdout);
    // A rebuild runs nothing again: its RUN is a cache hit, and the count says so. (Exporters and a
    // local base image are steps too, which the daemon never reports as cached.)
    assert.match(again.stdout, /\*cached\* --> RUN echo/);
    assert.doesNotMatch(again.stdout, /\| --> RUN echo/);
    const hits = /^Built in \S+; (\d+) of (\d+) steps cached$/m.exec(again.stdout);
    const firstHits = /^Built in \S+; (\d+) of (\d+) steps cached$/m.exec(run.stdout);
    assert.ok(hits && firstHits && Number(hits[1]) > Number(firstHits[1]), `more cache hits on the rebuild: ${again.stdout}`);
    assert.match(again.stdout, /^not done +\+t: artifact out\/s\.txt: local output is off \(--no-output or --ci\)$/m);
  } finally {
    await removeImages(image);
    await rm(dir, { recursive: true, force: true });
  }
});
