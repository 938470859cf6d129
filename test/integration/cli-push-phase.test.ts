/**
 * The push phase through the real CLI: every command after a target's first RUN --push runs only
 * under --push, after the rest of the build; without it each is listed as not run, and what the
 * target saves after its RUN --push (an AS LOCAL file, an image) is not written.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { ebuild, project } from "../support/cli.js";

const run = promisify(execFile);
const exists = (path: string) => stat(path).then(() => true, () => false);

test("commands after RUN --push run only with --push, and what they save is written only then", async () => {
  const image = `ebuild-platforms/push-phase:${process.pid}`;
  const marker = `deployed-${process.pid}-${Date.now()}`;
  const dir = await project({
    Buildfile: `VERSION 0.8
deploy:
    FROM ebuild-fixture/busybox:latest
    RUN echo built > /built.txt
    SAVE ARTIFACT /built.txt AS LOCAL out/built.txt
    RUN --push echo "${marker}" > /deployed.txt
    RUN cat /built.txt /deployed.txt > /report.txt
    SAVE ARTIFACT /report.txt AS LOCAL out/report.txt
    SAVE IMAGE ${image}
`,
  });
  try {
    const without = await ebuild(["--progress", "plain", "+deploy"], { cwd: dir });
    assert.equal(without.code, 0, without.stderr + without.stdout);
    assert.equal(await readFile(join(dir, "out/built.txt"), "utf8"), "built\n", "what comes before RUN --push is written");
    assert.equal(await exists(join(dir, "out/report.txt")), false, "an AS LOCAL after RUN --push is not written without --push");
    await assert.rejects(run("docker", ["image", "inspect", image]), "an image saved after RUN --push is not stored without --push");
    assert.match(without.stdout, /not run: RUN --push echo .*: RUN --push without --push/);
    assert.match(without.stdout, /not run: RUN cat \/built.txt \/deployed.txt > \/report.txt: RUN --push without --push/);
    assert.match(without.stdout, /not run: SAVE ARTIFACT … AS LOCAL out\/report.txt/);
    assert.match(without.stdout, new RegExp(`not run: SAVE IMAGE ${image}`));

    const pushed = await ebuild(["--progress", "plain", "--push", "+deploy"], { cwd: dir });
    assert.equal(pushed.code, 0, pushed.stderr + pushed.stdout);
    assert.equal(await readFile(join(dir, "out/report.txt"), "utf8"), `built\n${marker}\n`, "the push phase ran after the build, on its result");
    const { stdout } = await run("docker", ["run", "--rm", "--network", "none", image, "cat", "/deployed.txt"]);
    assert.equal(stdout, `${marker}\n`, "the image saved after RUN --push holds what the push phase did");
  } finally {
    await run("docker", ["rmi", image]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
});

test("an artifact saved after RUN --push is not there for COPY, as in Earthly", async () => {
  const dir = await project({
    Buildfile: `VERSION 0.8
deploy:
    FROM ebuild-fixture/busybox:latest
    RUN --push echo deployed > /deployed.txt
    SAVE ARTIFACT /deployed.txt
use:
    FROM ebuild-fixture/busybox:latest
    COPY +deploy/deployed.txt /
`,
  });
  try {
    const result = await ebuild(["--progress", "plain", "--push", "+use"], { cwd: dir });
    assert.equal(result.code, 1, result.stderr + result.stdout);
    assert.match(result.stderr, /deployed\.txt.*(not found|no such file)/i);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
