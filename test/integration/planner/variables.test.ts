/**
 * Variables as a build sees them: builtin args (both spellings, platforms, git facts), $(...) in
 * the build state at that line, LET/SET, ARG --global, overrides passed on within one Buildfile and
 * --pass-args across Buildfiles. Checked in what the build saves.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { arch } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { ebuild, project } from "../../support/cli.js";
import { docker } from "../../support/docker.js";

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", ["-c", "user.name=Ada Author", "-c", "user.email=ada@example.com", ...args], { cwd, encoding: "utf8" }).trim();

test("builtin args: EBUILD_* and EARTHLY_* spellings, TARGET/NATIVE/USER platforms, the checkout's git facts and canonical project", async () => {
  const dir = await project({
    Buildfile: `VERSION 0.8
FROM ebuild-fixture/busybox:latest
WORKDIR /w

SHOW:
    FUNCTION
    ARG EBUILD_TARGET_NAME
    RUN echo "in function: $EBUILD_TARGET_NAME" > function.txt

facts:
    ARG EBUILD_TARGET
    ARG EARTHLY_TARGET_NAME
    ARG EBUILD_TARGET_PROJECT
    ARG EARTHLY_TARGET_TAG_DOCKER
    ARG EBUILD_GIT_HASH
    ARG EARTHLY_GIT_SHORT_HASH
    ARG EBUILD_GIT_BRANCH
    ARG EBUILD_GIT_TAG
    ARG EARTHLY_GIT_AUTHOR
    ARG EBUILD_GIT_COMMIT_TIMESTAMP
    ARG EARTHLY_SOURCE_DATE_EPOCH
    ARG EBUILD_PUSH
    ARG EARTHLY_CI
    ARG EBUILD_VERSION
    ARG TARGETPLATFORM
    ARG TARGETARCH
    ARG NATIVEPLATFORM
    ARG USERPLATFORM
    RUN env | grep -E '^(EBUILD_|EARTHLY_|TARGET|NATIVE|USER)' | sort > builtins.txt
    DO +SHOW
    SAVE ARTIFACT *.txt AS LOCAL out/
`,
  });
  git(dir, "init", "-q", "-b", "trunk");
  git(dir, "add", "Buildfile");
  git(dir, "commit", "-q", "-m", "first");
  git(dir, "tag", "v9");
  git(dir, "remote", "add", "origin", "https://git.example.com/org/app.git");
  const hash = git(dir, "rev-parse", "HEAD");
  const time = git(dir, "log", "-1", "--format=%ct");
  const run = await ebuild(["--progress", "plain", "+facts"], { cwd: dir });
  assert.equal(run.code, 0, run.stderr + run.stdout);
  const machine = `linux/${{ x64: "amd64", arm64: "arm64" }[arch()] ?? arch()}`;
  const version = JSON.parse(await readFile(join(import.meta.dirname, "../../../package.json"), "utf8")).version as string;
  assert.deepEqual((await readFile(join(dir, "out/builtins.txt"), "utf8")).trim().split("\n"), [
    "EARTHLY_CI=false",
    "EARTHLY_GIT_AUTHOR=ada@example.com",
    `EARTHLY_GIT_SHORT_HASH=${hash.slice(0, 8)}`,
    `EARTHLY_SOURCE_DATE_EPOCH=${time}`,
    "EARTHLY_TARGET_NAME=facts",
    "EARTHLY_TARGET_TAG_DOCKER=v9",
    "EBUILD_GIT_BRANCH=trunk",
    `EBUILD_GIT_COMMIT_TIMESTAMP=${time}`,
    `EBUILD_GIT_HASH=${hash}`,
    "EBUILD_GIT_TAG=v9",
    "EBUILD_PUSH=false",
    "EBUILD_TARGET=+facts",
    "EBUILD_TARGET_PROJECT=git.example.com/org/app:v9",
    `EBUILD_VERSION=${version}`,
    `NATIVEPLATFORM=${machine}`,
    `TARGETARCH=${machine.split("/")[1]}`,
    `TARGETPLATFORM=${machine}`,
    `USERPLATFORM=${machine}`,
  ]);
  assert.equal(await readFile(join(dir, "out/function.txt"), "utf8"), "in function: facts\n", "a function sees its caller's target name");
});

test("$(...) runs in the build state of its line; LET/SET; ARG --global; overrides reach same-file targets; --pass-args crosses files", async () => {
  const dir = await project({
    Buildfile: `VERSION 0.8
ARG --global REGION=eu
ARG BASE_ONLY=base
FROM ebuild-fixture/busybox:latest
WORKDIR /w

dynamic:
    RUN echo made-by-run > made.txt
    ARG DYN=$(cat made.txt)
    LET L=first
    SET L="$L then $DYN"
    RUN echo "DYN=$DYN L=$L REGION=$REGION BASE_ONLY=\${BASE_ONLY:-unset}" > dynamic.txt
    SAVE ARTIFACT dynamic.txt AS LOCAL out/

top:
    BUILD +middle
    BUILD ./other+leaf
    BUILD --pass-args ./other+leaf --TAG=passed

middle:
    BUILD +leaf

leaf:
    ARG X=default
    RUN echo "X=$X" > leaf.txt
    SAVE ARTIFACT leaf.txt AS LOCAL out/leaf-$X.txt
`,
    "other/Buildfile": `VERSION 0.8
FROM ebuild-fixture/busybox:latest

leaf:
    ARG X=other-default
    ARG TAG=plain
    RUN echo "X=$X" > /leaf.txt
    SAVE ARTIFACT /leaf.txt AS LOCAL out/leaf-$TAG-$X.txt
`,
  });
  const dynamic = await ebuild(["--progress", "plain", "+dynamic"], { cwd: dir });
  assert.equal(dynamic.code, 0, dynamic.stderr + dynamic.stdout);
  assert.equal(await readFile(join(dir, "out/dynamic.txt"), "utf8"), "DYN=made-by-run L=first then made-by-run REGION=eu BASE_ONLY=unset\n");

  const top = await ebuild(["--progress", "plain", "+top", "--X=abc"], { cwd: dir });
  assert.equal(top.code, 0, top.stderr + top.stdout);
  assert.equal(await readFile(join(dir, "out/leaf-abc.txt"), "utf8"), "X=abc\n", "through +middle, which does not declare X");
  assert.equal(await readFile(join(dir, "other/out/leaf-plain-other-default.txt"), "utf8"), "X=other-default\n", "overrides stop at another Buildfile");
  assert.equal(await readFile(join(dir, "other/out/leaf-passed-abc.txt"), "utf8"), "X=abc\n", "--pass-args forwards them");
});

const armImage = `ebuild-audit/platform:p${process.pid}`;
after(() => docker(["image", "rm", "-f", armImage]).catch(() => {}));

test("BUILD --platform and FROM --platform set TARGETARCH, and the image is saved for that platform", async () => {
  const dir = await project({
    Buildfile: `VERSION 0.8

all:
    BUILD --platform=linux/arm64 +named
    BUILD +fromPlatform

named:
    FROM scratch
    ARG TARGETARCH
    COPY a.txt /a.txt
    SAVE ARTIFACT /a.txt AS LOCAL out/built-for-$TARGETARCH.txt

fromPlatform:
    FROM --platform=linux/arm64 scratch
    ARG TARGETPLATFORM
    COPY a.txt /a.txt
    SAVE ARTIFACT /a.txt AS LOCAL out/from-$TARGETPLATFORM.txt
    SAVE IMAGE ${armImage}
`,
    "a.txt": "a\n",
  });
  const run = await ebuild(["--progress", "plain", "+all"], { cwd: dir });
  assert.equal(run.code, 0, run.stderr + run.stdout);
  assert.equal(await readFile(join(dir, "out/built-for-arm64.txt"), "utf8"), "a\n");
  assert.equal(await readFile(join(dir, "out/from-linux/arm64.txt"), "utf8"), "a\n");
  assert.equal((await docker(["image", "inspect", "--format", "{{.Os}}/{{.Architecture}}", armImage])).trim(), "linux/arm64");
});
