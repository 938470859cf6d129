/**
 * Remote targets as a user runs them: the real `ebuild` process, the real daemon and a real git
 * server on loopback. `example.test/org/repo` is mapped to that server by EBUILD_GIT_URL_INSTEAD_OF;
 * results are checked on disk, in the stored image (docker run, docker image inspect) and in what
 * the CLI says when something is wrong.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ebuild, project } from "../support/cli.js";
import { unusedPort } from "../support/ports.js";
import { startGitServer, type GitServer } from "../support/git-server.js";

const tag = `remote-${process.pid}`;
const image = `ebuild-test/${tag}:latest`;
const remoteBaseImage = `ebuild-test/${tag}-base:latest`;
const docker = (...args: string[]) => execFileSync("docker", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

const remoteBuildfile = `VERSION 0.8
FROM ebuild-fixture/busybox:latest

remote:
    COPY version.txt /v.txt
    COPY ./sub+inner/inner.txt /inner.txt
    SAVE ARTIFACT /v.txt AS LOCAL remote-out/version.txt
    SAVE ARTIFACT /inner.txt AS LOCAL remote-out/inner.txt

lib:
    COPY version.txt /lib/
    SAVE ARTIFACT /lib/version.txt

foundation:
    COPY version.txt /base-version.txt
    ENV FROM_REMOTE=yes
    SAVE IMAGE ${remoteBaseImage}

COPY_FROM_CALLER:
    FUNCTION
    COPY local.txt /from-caller.txt
`;
const subBuildfile = `VERSION 0.8
inner:
    FROM ebuild-fixture/busybox:latest
    COPY inner.txt /
    SAVE ARTIFACT /inner.txt
`;

let server: GitServer;
let env: NodeJS.ProcessEnv;
const dirs: string[] = [];

before(async () => {
  server = await startGitServer({
    "org/repo": [
      { files: { Buildfile: remoteBuildfile, "version.txt": "v1\n", "sub/Buildfile": subBuildfile, "sub/inner.txt": "inner v1\n" }, tag: "v1" },
      { files: { "version.txt": "v2\n", "sub/inner.txt": "inner v2\n" }, tag: "v2" },
    ],
  });
  env = { EBUILD_GIT_URL_INSTEAD_OF: `${server.base}=example.test/` };
});

after(async () => {
  await server?.stop();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  for (const name of [image, remoteBaseImage]) {
    try {
      docker("image", "rm", "-f", name);
    } catch {
      // Never stored.
    }
  }
});

async function projectOf(buildfile: string, files: Record<string, string> = {}): Promise<string> {
  const dir = await project({ Buildfile: buildfile, ...files });
  dirs.push(dir);
  return dir;
}

test("BUILD of a remote target writes its AS LOCAL artifacts; FROM, COPY, DO and IMPORT use remotes at their tags", async () => {
  const dir = await projectOf(
    `VERSION 0.8
IMPORT example.test/org/repo:v1

all:
    BUILD example.test/org/repo:v1+remote
    BUILD +image

image:
    FROM example.test/org/repo:v1+foundation
    COPY repo+lib/version.txt /copied-v1.txt
    COPY example.test/org/repo:v2+lib/version.txt /copied-v2.txt
    DO repo+COPY_FROM_CALLER
    GIT CLONE --branch v2 ${server.base}org/repo.git /clone
    GIT CLONE --branch v1 https://example.test/org/repo.git /clone-rewritten
    SAVE IMAGE ${image}
`,
    { "local.txt": "from the local project\n", "version.txt": "the local version, never copied\n" },
  );
  const run = await ebuild(["--progress", "plain", "+all"], { cwd: dir, env });
  assert.equal(run.code, 0, run.stderr + run.stdout);
  assert.equal(await readFile(join(dir, "remote-out/version.txt"), "utf8"), "v1\n");
  assert.equal(await readFile(join(dir, "remote-out/inner.txt"), "utf8"), "inner v1\n", "./sub+inner is read from the same tag");

  const cat = (path: string) => docker("run", "--rm", "--network", "none", "--entrypoint", "/bin/cat", image, path);
  assert.equal(cat("/base-version.txt"), "v1\n");
  assert.equal(cat("/copied-v1.txt"), "v1\n");
  assert.equal(cat("/copied-v2.txt"), "v2\n", "a different tag gives different content");
  assert.equal(cat("/from-caller.txt"), "from the local project\n", "a remote function copies from the caller's context");
  assert.equal(cat("/clone/version.txt"), "v2\n");
  assert.equal(cat("/clone-rewritten/version.txt"), "v1\n", "GIT CLONE URLs are rewritten too");
  const config = JSON.parse(docker("image", "inspect", "--format", "{{json .Config}}", image)) as { Env: string[] };
  assert.ok(config.Env.includes("FROM_REMOTE=yes"), config.Env.join(" "));
  assert.throws(() => docker("image", "inspect", remoteBaseImage), "the remote +foundation is reached only through FROM: its image is not saved");
});

test("a remote target invoked on the command line writes its outputs under the working directory", async () => {
  const dir = await projectOf("", { "version.txt": "local, never read\n" });
  await rm(join(dir, "Buildfile"));
  const run = await ebuild(["--progress", "plain", "example.test/org/repo:v2+remote"], { cwd: dir, env });
  assert.equal(run.code, 0, run.stderr + run.stdout);
  assert.equal(await readFile(join(dir, "remote-out/version.txt"), "utf8"), "v2\n");
  assert.equal(await readFile(join(dir, "remote-out/inner.txt"), "utf8"), "inner v2\n");
  const artifact = await ebuild(["--progress", "plain", "-a", "example.test/org/repo+lib/version.txt", "default-branch.txt"], { cwd: dir, env });
  assert.equal(artifact.code, 0, artifact.stderr + artifact.stdout);
  assert.equal(await readFile(join(dir, "default-branch.txt"), "utf8"), "v2\n", "no ref: the default branch, whose last commit is v2");
});

test("ebuild plan shows remote targets with the checkout they come from", async () => {
  const dir = await projectOf(`VERSION 0.8\nall:\n    BUILD example.test/org/repo:v2+remote\n`);
  const run = await ebuild(["plan", "+all"], { cwd: dir, env });
  assert.equal(run.code, 0, run.stderr + run.stdout);
  assert.match(run.stdout, new RegExp(`BUILD example\\.test/org/repo:v2\\+remote Buildfile:3 from ${server.base.replaceAll(".", "\\.")}org/repo\\.git@v2`));
  assert.match(run.stdout, /✓ fires {2}SAVE ARTIFACT … AS LOCAL remote-out\/version\.txt example\.test\/org\/repo:v2\/Buildfile:7/);
  assert.match(run.stdout, /COPY example\.test\/org\/repo\/sub:v2\+inner example\.test\/org\/repo:v2\/Buildfile:6/);
});

test("ebuild ls lists the targets of a repository directory at a ref", async () => {
  const dir = await projectOf("VERSION 0.8\n");
  const top = await ebuild(["ls", "example.test/org/repo:v1"], { cwd: dir, env });
  assert.equal(top.code, 0, top.stderr);
  assert.equal(top.stdout, "+base\n+foundation\n+lib\n+remote\n\nFUNCTIONS:\n+COPY_FROM_CALLER\n");
  const sub = await ebuild(["ls", "--long", "example.test/org/repo/sub:v1"], { cwd: dir, env });
  assert.equal(sub.code, 0, sub.stderr);
  assert.equal(sub.stdout, "example.test/org/repo/sub:v1+base\nexample.test/org/repo/sub:v1+inner\n");
});

test("an unreachable git server, a missing ref and a missing target are clear errors at the reference", async () => {
  const dir = await projectOf(`VERSION 0.8\nall:\n    BUILD example.test/org/repo:v1+remote\nref:\n    BUILD example.test/org/repo:v9+remote\ntarget:\n    BUILD example.test/org/repo:v1+nope\n`);
  const port = await unusedPort();
  const down = await ebuild(["--progress", "plain", "+all"], { cwd: dir, env: { EBUILD_GIT_URL_INSTEAD_OF: `git://127.0.0.1:${port}/=example.test/` } });
  assert.equal(down.code, 1, down.stderr);
  assert.match(down.stderr, new RegExp(`Buildfile:3:5: cannot fetch example\\.test/org/repo:v1 from git://127\\.0\\.0\\.1:${port}/org/repo\\.git@v1`));
  assert.match(down.stderr, /EBUILD_GIT_URL_INSTEAD_OF/);
  assert.doesNotMatch(down.stderr, /\n\s+at /, "no stack trace");

  const ref = await ebuild(["--progress", "plain", "+ref"], { cwd: dir, env });
  assert.equal(ref.code, 2, ref.stderr);
  assert.match(ref.stderr, /Buildfile:5:5: cannot fetch example\.test\/org\/repo:v9 .*does not contain ref v9/);

  const target = await ebuild(["--progress", "plain", "+target"], { cwd: dir, env });
  assert.equal(target.code, 2, target.stderr);
  assert.match(target.stderr, /Buildfile:7:5: example\.test\/org\/repo:v1\/Buildfile has no target nope/);
  assert.equal(existsSync(join(dir, "remote-out")), false, "nothing is written when planning fails");
});
