/**
 * FROM DOCKERFILE and ebuild's secrets: a Dockerfile's `RUN --mount=type=secret,id=ID` gets the
 * value of `--secret ID=…`, `--secret ID` (from the environment) or `--secret-file ID=PATH`, and the
 * value stays out of the image, its config and history, the progress output and the project.
 */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { ebuild, project } from "../support/cli.js";
import { docker, imageBytesContain, inspectImage, removeImages } from "../support/docker.js";

const nonce = () => `${process.pid}-${randomBytes(6).toString("hex")}`;
const images: string[] = [];
after(() => removeImages(images));

// NONCE reaches the RUNs' environment, so each build below runs them again rather than from cache.
const dockerfile = `FROM ebuild-fixture/busybox:latest
ARG NONCE
RUN --mount=type=secret,id=token sh -c 'sha256sum /run/secrets/token | cut -d" " -f1 > /token.sha; echo "run $NONCE"; cat /run/secrets/token; echo; ls -la /run/secrets'
RUN --mount=type=secret,id=token,target=/tok,required=true sh -c 'echo "token=$(cat /tok)"; wc -c < /tok > /token.len'
`;

test("a Dockerfile's secret mounts get ebuild's --secret, environment and --secret-file values, which land nowhere else", async () => {
  const value = `df-sekret-${nonce()}`;
  const image = `ebuild-test/dfsecrets-secret:${nonce()}`;
  images.push(image);
  const secretDir = await mkdtemp(join(tmpdir(), "ebuild-dfsecrets-"));
  const secretFile = join(secretDir, "token");
  await writeFile(secretFile, value, { mode: 0o600 });
  const dir = await project({
    Dockerfile: dockerfile,
    Buildfile: `VERSION 0.8\nt:\n    ARG NONCE\n    FROM DOCKERFILE . --NONCE=$NONCE\n    SAVE ARTIFACT /token.sha AS LOCAL token.sha\n    SAVE ARTIFACT /token.len AS LOCAL token.len\n    SAVE IMAGE ${image}\n`,
  });
  const ways: Array<{ name: string; args: string[]; env?: NodeJS.ProcessEnv; progress: string }> = [
    { name: "--secret token=VALUE", args: ["--secret", `token=${value}`], progress: "plain" },
    { name: "--secret token (environment)", args: ["--secret", "token"], env: { token: value }, progress: "json" },
    { name: "--secret-file token=PATH", args: ["--secret-file", `token=${secretFile}`], progress: "plain" },
  ];
  try {
    for (const way of ways) {
      await rm(join(dir, "token.sha"), { force: true });
      const result = await ebuild(["--progress", way.progress, ...way.args, "+t", `--NONCE=${nonce()}`], { cwd: dir, ...(way.env ? { env: way.env } : {}) });
      assert.equal(result.code, 0, `${way.name}: ${result.stderr}${result.stdout}`);
      assert.match(result.stdout + result.stderr, /token=\*\*\*/, `${way.name}: the RUN printed the value, redacted`);
      assert.ok(!(result.stdout + result.stderr).includes(value), `${way.name} printed the secret`);
      assert.equal((await readFile(join(dir, "token.sha"), "utf8")).trim(), createHash("sha256").update(value).digest("hex"), `${way.name}: the RUN got the value`);
      assert.equal((await readFile(join(dir, "token.len"), "utf8")).trim(), String(value.length));
    }
    assert.ok(!(await imageBytesContain(image, value)), "the secret is in docker save's output");
    assert.ok(!JSON.stringify(await inspectImage(image)).includes(value), "the secret is in the image config");
    assert.ok(!(await docker(["history", "--no-trunc", image])).includes(value), "the secret is in the history");
    assert.equal(await docker(["run", "--rm", "--network", "none", image, "ls", "/run/secrets"]).catch(() => ""), "", "the mount point holds nothing");
    for (const file of await readdir(dir, { recursive: true })) {
      const bytes = await readFile(join(dir, file)).catch(() => Buffer.alloc(0));
      assert.ok(!bytes.includes(value), `${file} holds the secret`);
    }
  } finally {
    await rm(secretDir, { recursive: true, force: true });
  }
});

test("a Dockerfile secret mount with required=true and no such secret given is refused before the build (exit 2)", async () => {
  const dir = await project({ Dockerfile: dockerfile, Buildfile: "VERSION 0.8\nt:\n    FROM DOCKERFILE .\n    SAVE ARTIFACT /token.len AS LOCAL token.len\n" });
  const refused = await ebuild(["--progress", "plain", "+t"], { cwd: dir });
  assert.equal(refused.code, 2, refused.stderr + refused.stdout);
  assert.match(refused.stderr, /reads secret token, which was not given/);
  assert.match(refused.stderr, /--secret token=VALUE/);
  assert.equal(existsSync(join(dir, "token.len")), false);
});
