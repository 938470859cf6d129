/**
 * WITH DOCKER on the real daemon, through the real `ebuild` process: a dockerd starts inside the
 * RUN, the --load target's image (files and config) is there under its name, the command's exit
 * code is the RUN's, and nothing of dockerd's ends in the layer. Every test but the -P one needs a
 * daemon that grants security.insecure, and skips with the reason on one that does not.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, describe, test, type TestContext } from "node:test";
import { docker, layerPaths, removeImages } from "../support/docker.js";
import { ebuild, project } from "../support/cli.js";
import { privilegedSkipReason } from "../support/privileged.js";

const nonce = () => `${process.pid}-${randomBytes(6).toString("hex")}`;
const images: string[] = [];
after(() => removeImages(images));

const appImage = `ebuild-test/withdocker-app:${nonce()}`;
const app = `app:
    FROM ebuild-fixture/busybox:latest
    RUN echo "hello from app ${nonce()}" > /hello
    ENV GREETING="hello world"
    WORKDIR /srv
    USER nobody
    LABEL org.example.kind=app
    CMD ["cat", "/hello"]
    SAVE IMAGE ${appImage}
`;
const header = "VERSION 0.8\nFROM ebuild-fixture/dind:latest\nWORKDIR /w\n";

async function needsPrivileged(t: TestContext): Promise<boolean> {
  const reason = await privilegedSkipReason();
  if (reason !== undefined) t.skip(reason);
  return reason === undefined;
}

test("WITH DOCKER needs -P: exit 9 without it, and nothing is written", async () => {
  const dir = await project({ Buildfile: `${header}${app}test:\n    WITH DOCKER --load app=+app\n        RUN docker run app > out\n    END\n    SAVE ARTIFACT out AS LOCAL out\n` });
  const result = await ebuild(["--progress", "plain", "+test"], { cwd: dir });
  assert.equal(result.code, 9, result.stderr + result.stdout);
  assert.match(result.stderr, /security\.insecure/);
  assert.match(result.stderr, /-P|--allow-privileged/);
  assert.equal(existsSync(join(dir, "out")), false);
});

test("a WITH DOCKER block with more than its RUN is a Buildfile error: exit 2 at the extra command, before anything runs", async () => {
  const dir = await project({ Buildfile: `${header}test:\n    WITH DOCKER\n        RUN docker info\n        COPY a b\n    END\n` });
  for (const flags of [[], ["-P"]]) {
    const result = await ebuild(["--progress", "plain", ...flags, "+test"], { cwd: dir });
    assert.equal(result.code, 2, result.stderr + result.stdout);
    assert.match(result.stderr, /Buildfile:7:9: WITH DOCKER holds a single RUN, not COPY/);
  }
});

describe("WITH DOCKER on a daemon that grants security.insecure", { concurrency: 2 }, () => {
  test("--load app=+app: the app's files, ENV, CMD, WORKDIR, USER and LABEL are there; its SAVE IMAGE does not fire", async (t) => {
    if (!(await needsPrivileged(t))) return;
    const run = [
      "docker run --rm app > out",
      `docker run --rm app sh -c 'echo "$GREETING"; pwd; id -u' >> out`,
      "docker image inspect app --format '{{index .Config.Labels \"org.example.kind\"}}' >> out",
      `docker images --format '{{.Repository}}' | sort >> out`,
    ].join(" && ");
    const dir = await project({ Buildfile: `${header}${app}test:\n    WITH DOCKER --load app=+app --load +app\n        RUN ${run}\n    END\n    SAVE ARTIFACT out AS LOCAL out\n` });
    const result = await ebuild(["--progress", "plain", "-P", "+test"], { cwd: dir });
    assert.equal(result.code, 0, result.stderr + result.stdout);
    const hello = (await readFile(join(dir, "out"), "utf8")).split("\n");
    assert.match(hello[0]!, /^hello from app /);
    assert.deepEqual(hello.slice(1), ["hello world", "/srv", "65534", "app", "app", appImage.split(":")[0], ""]);
    // --load uses the target's result only: its SAVE IMAGE never reached the outer Docker.
    await assert.rejects(docker(["image", "inspect", appImage]));
  });

  test("a failing command inside fails the build with exit 1 at the RUN's line and writes nothing", async (t) => {
    if (!(await needsPrivileged(t))) return;
    const dir = await project({ Buildfile: `${header}${app}test:\n    WITH DOCKER --load app=+app\n        RUN docker run --rm app sh -c 'exit 3'\n    END\n    SAVE ARTIFACT /etc/passwd AS LOCAL out\n` });
    const result = await ebuild(["--progress", "plain", "-P", "+test"], { cwd: dir });
    assert.equal(result.code, 1, result.stderr + result.stdout);
    assert.match(result.stderr, /Buildfile:15:\d+/);
    assert.match(result.stderr, /exit code: 3/);
    assert.equal(existsSync(join(dir, "out")), false);
  });

  test("--pull loads an image from the daemon's image source; the saved image keeps the command's files and nothing of dockerd's", async (t) => {
    if (!(await needsPrivileged(t))) return;
    const image = `ebuild-test/withdocker-after:${nonce()}`;
    images.push(image);
    const dir = await project({
      Buildfile: `${header}test:\n    WITH DOCKER --pull ebuild-fixture/busybox:latest\n        RUN docker run --rm ebuild-fixture/busybox:latest echo pulled > out\n    END\n    SAVE IMAGE ${image}\n`,
    });
    const result = await ebuild(["--progress", "plain", "-P", "+test"], { cwd: dir });
    assert.equal(result.code, 0, result.stderr + result.stdout);
    assert.equal(await docker(["run", "--rm", image, "cat", "/w/out"]), "pulled\n");
    const paths = await layerPaths(image);
    const leaked = paths.filter((p) => /^(\.\/)?(\.ebuild|var\/lib\/docker\/.|run\/docker|run\/containerd|opt\/containerd|var\/run\/docker\.sock)/.test(p));
    assert.deepEqual(leaked, []);
  });

  test("an image without dockerd fails with a clear message", async (t) => {
    if (!(await needsPrivileged(t))) return;
    const dir = await project({
      Buildfile: `VERSION 0.8\nnodockerd:\n    FROM ebuild-fixture/busybox:latest\n    WITH DOCKER\n        RUN true\n    END\n`,
    });
    const noDockerd = await ebuild(["--progress", "plain", "-P", "+nodockerd"], { cwd: dir });
    assert.equal(noDockerd.code, 1, noDockerd.stderr + noDockerd.stdout);
    assert.match(noDockerd.stderr + noDockerd.stdout, /dockerd is not in this image's PATH/);
  });
});
