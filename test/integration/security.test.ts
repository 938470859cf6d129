/**
 * Security on the real daemon, through the real `ebuild` process: outputs cannot leave the project,
 * the context upload never follows a symlink out of the context, privileged work needs -P, and
 * secrets and registry credentials appear nowhere a user, a log or an image could show them.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { docker, imageBytesContain, inspectImage, removeImages } from "../support/docker.js";
import { ebuild, project } from "../support/cli.js";
import { privilegedSkipReason } from "../support/privileged.js";

const header = "VERSION 0.8\nFROM ebuild-fixture/busybox:latest\nWORKDIR /w\n";
const nonce = () => `${process.pid}-${randomBytes(6).toString("hex")}`;
const images: string[] = [];
after(() => removeImages(images));

/** A directory outside every project, holding a file nobody may overwrite or read through ebuild. */
async function outside(content = "outside, untouched\n"): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(join(tmpdir(), "ebuild-outside-"));
  await writeFile(join(dir, "file.txt"), content);
  return { dir, file: join(dir, "file.txt") };
}

describe("AS LOCAL destinations stay inside the project", { concurrency: 2 }, () => {
  const escapes: Array<{ name: string; destination: (out: string) => string; plant?: (dir: string, out: string) => Promise<void> }> = [
    { name: "through ..", destination: () => "../escaped.txt" },
    { name: "through a deeper ../..", destination: () => "out/../../escaped.txt" },
    { name: "through an absolute path", destination: (out) => join(out, "file.txt") },
    { name: "through a symlinked directory planted in the destination", destination: () => "out/file.txt", plant: (dir, out) => symlink(out, join(dir, "out")) },
    { name: "through a symlink planted at the destination file", destination: () => "file.txt", plant: (dir, out) => symlink(join(out, "file.txt"), join(dir, "file.txt")) },
    { name: "through a symlink in a parent of the destination", destination: () => "a/b/file.txt", plant: async (dir, out) => { await mkdir(join(dir, "a")); await symlink(out, join(dir, "a", "b")); } },
  ];
  for (const e of escapes) {
    test(`an output ${e.name} is refused with exit 2 and nothing outside changes`, async () => {
      const out = await outside();
      const dir = await project({});
      await e.plant?.(dir, out.dir);
      await writeFile(join(dir, "Buildfile"), `${header}t:\n    RUN echo overwritten > x.txt\n    SAVE ARTIFACT x.txt AS LOCAL ${e.destination(out.dir)}\n`);
      const result = await ebuild(["--progress", "plain", "+t"], { cwd: dir });
      assert.equal(result.code, 2, result.stderr + result.stdout);
      assert.match(result.stderr, /leaves/);
      assert.equal(await readFile(out.file, "utf8"), "outside, untouched\n");
      assert.deepEqual(await readdir(out.dir), ["file.txt"]);
      assert.equal(existsSync(join(dir, "..", "escaped.txt")), false);
    });
  }
});

describe("the context upload never follows a symlink out of the context", { concurrency: 2 }, () => {
  const copies = [
    {
      name: "COPY . keeps a symlink inside the copied directory as a link",
      copy: "COPY . ./",
      todo: undefined,
    },
    { name: "COPY --symlink-no-follow of the link copies the link itself", copy: "COPY --symlink-no-follow link ./", todo: undefined },
  ];
  for (const c of copies) {
    test(`${c.name}, never the outside file's content`, { todo: c.todo }, async () => {
      const secret = `outside-secret-${nonce()}`;
      const out = await outside(secret);
      const dir = await project({ "inside.txt": "inside\n" });
      await symlink(out.file, join(dir, "link"));
      const image = `ebuild-test/reliability-symlink:${nonce()}`;
      images.push(image);
      await writeFile(
        join(dir, "Buildfile"),
        `${header}t:
    ${c.copy}
    RUN echo ${nonce()} && readlink link > target.txt && (test -L link && echo link || echo not-a-link) > kind.txt && (cat link 2>/dev/null || echo unreadable) > content.txt
    SAVE ARTIFACT target.txt AS LOCAL out/target.txt
    SAVE ARTIFACT kind.txt AS LOCAL out/kind.txt
    SAVE ARTIFACT content.txt AS LOCAL out/content.txt
    SAVE IMAGE ${image}
`,
      );
      const result = await ebuild(["--progress", "plain", "+t"], { cwd: dir });
      assert.equal(result.code, 0, result.stderr + result.stdout);
      assert.equal((await readFile(join(dir, "out/kind.txt"), "utf8")).trim(), "link");
      assert.equal((await readFile(join(dir, "out/target.txt"), "utf8")).trim(), out.file);
      assert.equal((await readFile(join(dir, "out/content.txt"), "utf8")).trim(), "unreadable");
      assert.ok(!(await imageBytesContain(image, secret)), "the outside file's content is in the image");
      assert.ok(!(result.stdout + result.stderr).includes(secret));
    });
  }

  test("COPY of the link itself fails: the outside file was never uploaded", async () => {
    const secret = `outside-secret-${nonce()}`;
    const out = await outside(secret);
    const dir = await project({});
    await symlink(out.file, join(dir, "link"));
    await writeFile(join(dir, "Buildfile"), `${header}t:\n    COPY link ./got.txt\n    RUN echo ${nonce()} && cat got.txt\n    SAVE ARTIFACT got.txt AS LOCAL got.txt\n`);
    const result = await ebuild(["--progress", "plain", "+t"], { cwd: dir });
    assert.equal(result.code, 1, result.stderr + result.stdout);
    assert.match(result.stdout + result.stderr, /not found/);
    assert.equal(existsSync(join(dir, "got.txt")), false);
    assert.ok(!(result.stdout + result.stderr).includes(secret), "the outside content was printed");
  });
});

test("COPY through a symlinked directory that leaves the context does not reach the outside files", async () => {
  const secret = `outside-dir-secret-${nonce()}`;
  const out = await outside(secret);
  const dir = await project({});
  await symlink(out.dir, join(dir, "dirlink"));
  await writeFile(join(dir, "Buildfile"), `${header}t:\n    COPY dirlink/file.txt ./got.txt\n    RUN echo ${nonce()} && cat got.txt\n    SAVE ARTIFACT got.txt AS LOCAL got.txt\n`);
  const result = await ebuild(["--progress", "plain", "+t"], { cwd: dir });
  assert.notEqual(result.code, 0, "the copy must fail: the file is not in the context");
  assert.equal(existsSync(join(dir, "got.txt")), false);
  assert.ok(!(result.stdout + result.stderr).includes(secret), "the outside content was printed");
});

test("RUN --privileged needs -P: exit 9 without it; with it ebuild asks the daemon for security.insecure", async () => {
  const dir = await project({ Buildfile: `${header}t:\n    RUN --privileged echo ${nonce()} > p.txt\n    SAVE ARTIFACT p.txt AS LOCAL p.txt\n` });
  const refused = await ebuild(["--progress", "plain", "+t"], { cwd: dir });
  assert.equal(refused.code, 9, refused.stderr + refused.stdout);
  assert.match(refused.stderr, /-P|--allow-privileged/);
  assert.equal(existsSync(join(dir, "p.txt")), false);
  const allowed = await ebuild(["--progress", "plain", "-P", "+t"], { cwd: dir });
  // Docker Engine grants security.insecure only when dockerd allows it; the shared test daemon does
  // not (and is not ours to reconfigure), so either it ran or the daemon itself refused the grant.
  if (allowed.code === 0) assert.equal(existsSync(join(dir, "p.txt")), true);
  else {
    assert.equal(allowed.code, 1, allowed.stderr + allowed.stdout);
    assert.match(allowed.stderr + allowed.stdout, /entitlement security\.insecure is not allowed by build daemon/);
    assert.equal(existsSync(join(dir, "p.txt")), false);
  }
});

test("RUN --privileged with -P runs privileged: it can mount a tmpfs, which a plain RUN cannot", async (t) => {
  const skip = await privilegedSkipReason();
  if (skip !== undefined) return t.skip(skip);
  const mount = "mkdir -p /m && mount -t tmpfs none /m && grep ' /m tmpfs' /proc/mounts > mounted.txt";
  const dir = await project({
    Buildfile: `${header}privileged:\n    RUN --privileged sh -c "${mount}"\n    SAVE ARTIFACT mounted.txt AS LOCAL mounted.txt\nplain:\n    RUN sh -c "${mount}"\n    SAVE ARTIFACT mounted.txt AS LOCAL plain.txt\n`,
  });
  const allowed = await ebuild(["--progress", "plain", "-P", "+privileged"], { cwd: dir });
  assert.equal(allowed.code, 0, allowed.stderr + allowed.stdout);
  assert.match(await readFile(join(dir, "mounted.txt"), "utf8"), /^none \/m tmpfs /);
  const plain = await ebuild(["--progress", "plain", "-P", "+plain"], { cwd: dir });
  assert.equal(plain.code, 1, plain.stderr + plain.stdout);
  assert.match(plain.stderr, /Buildfile:8:5/);
  assert.equal(existsSync(join(dir, "plain.txt")), false);
});

test("RUN --network=host is refused outright (exit 2, with or without -P): no build gets the host network", async () => {
  const dir = await project({ Buildfile: `${header}t:\n    RUN --network=host echo ${nonce()} > n.txt\n    SAVE ARTIFACT n.txt AS LOCAL n.txt\n` });
  for (const flags of [[], ["-P"]]) {
    const refused = await ebuild(["--progress", "plain", ...flags, "+t"], { cwd: dir });
    assert.equal(refused.code, 2, refused.stderr + refused.stdout);
    assert.match(refused.stderr, /Buildfile:5:19: unknown network host/);
    assert.equal(existsSync(join(dir, "n.txt")), false);
  }
});

describe("a secret never leaves the RUN that reads it", () => {
  const value = `sekret-${nonce()}`;
  const image = `ebuild-test/reliability-secret:${nonce()}`;
  images.push(image);
  const buildfile = (tail: string) => `${header}t:
    RUN echo ${nonce()}
    RUN --secret TOKEN=token sh -c 'echo "token=$TOKEN"; echo "$TOKEN" | wc -c > len.txt'
    RUN --mount type=secret,id=token,target=/run/secrets/tok sh -c 'cat /run/secrets/tok; echo; ls -la /run/secrets'
    LABEL built=yes
    SAVE ARTIFACT len.txt AS LOCAL len.txt
    SAVE IMAGE ${image}
${tail}`;

  test("not in the plain or json progress, the image's layers, config or history", async () => {
    const dir = await project({ Buildfile: buildfile("") });
    for (const progress of ["plain", "json"]) {
      const result = await ebuild(["--progress", progress, "-s", `token=${value}`, "+t"], { cwd: dir });
      assert.equal(result.code, 0, result.stderr + result.stdout);
      assert.ok(!(result.stdout + result.stderr).includes(value), `--progress ${progress} printed the secret`);
    }
    assert.equal((await readFile(join(dir, "len.txt"), "utf8")).trim(), String(value.length + 1), "the RUN got the value");
    assert.ok(!(await imageBytesContain(image, value)), "the secret is in docker save's output");
    assert.ok(!JSON.stringify(await inspectImage(image)).includes(value), "the secret is in the image config");
    assert.ok(!(await docker(["history", "--no-trunc", image])).includes(value), "the secret is in the history");
    const written = await readdir(dir, { recursive: true });
    for (const file of written) {
      const path = join(dir, file);
      if (file !== "Buildfile" && !file.endsWith("/") && existsSync(path)) {
        const bytes = await readFile(path).catch(() => Buffer.alloc(0));
        assert.ok(!bytes.includes(value), `${file} holds the secret`);
      }
    }
  });

  test("not in the error of a failing RUN that echoes it, nor from --secret-file", async () => {
    const file = join(await mkdtemp(join(tmpdir(), "ebuild-secret-")), "token");
    await writeFile(file, value, { mode: 0o600 });
    const dir = await project({ Buildfile: `${header}t:\n    RUN --secret TOKEN=token sh -c 'echo "leaking $TOKEN"; echo "$TOKEN" >&2; exit 7' # ${nonce()}\n` });
    for (const args of [["-s", `token=${value}`], ["--secret-file", `token=${file}`]]) {
      for (const progress of ["plain", "json"]) {
        const result = await ebuild(["--progress", progress, ...args, "+t"], { cwd: dir });
        assert.equal(result.code, 1, result.stderr + result.stdout);
        assert.match(result.stdout + result.stderr, /exit (code: )?7|7/);
        assert.ok(!(result.stdout + result.stderr).includes(value), `${args[0]} --progress ${progress} printed the secret`);
      }
    }
    const debug = await ebuild(["--debug", "--progress", "plain", "-s", `token=${value}`, "+t"], { cwd: dir });
    assert.ok(!(debug.stdout + debug.stderr).includes(value), "--debug printed the secret");
  });
});

test("registry credentials from the docker config are never printed, even when the registry is down", async () => {
  const password = `pw-${nonce()}`;
  const config = await mkdtemp(join(tmpdir(), "ebuild-docker-config-"));
  const auth = Buffer.from(`reliability:${password}`).toString("base64");
  // Port 9 (discard) on loopback: nothing answers, so the pull fails after asking for credentials.
  await writeFile(join(config, "config.json"), JSON.stringify({ auths: { "127.0.0.1:9": { auth } } }), { mode: 0o600 });
  const dir = await project({ Buildfile: `VERSION 0.8\nt:\n    FROM 127.0.0.1:9/nothing/here:${nonce()}\n    RUN echo hi\n` });
  for (const progress of ["plain", "json"]) {
    const result = await ebuild(["--debug", "--progress", progress, "+t"], { cwd: dir, env: { DOCKER_CONFIG: config } });
    assert.notEqual(result.code, 0);
    const said = result.stdout + result.stderr;
    assert.match(said, /127\.0\.0\.1:9/);
    assert.ok(!said.includes(password) && !said.includes(auth), `--progress ${progress} printed the credentials`);
  }
  await rm(config, { recursive: true, force: true });
});
