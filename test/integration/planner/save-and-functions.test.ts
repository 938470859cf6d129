/**
 * SAVE IMAGE with several names, SAVE ARTIFACT's own namespace and --force, and functions (DO)
 * through an IMPORT alias: what a build leaves in Docker and on disk.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, test } from "node:test";
import { ebuild, project } from "../../support/cli.js";
import { docker } from "../../support/docker.js";

const images = [`ebuild-audit/names-a:p${process.pid}`, `ebuild-audit/names-b:p${process.pid}`];
after(() => docker(["image", "rm", "-f", ...images]).catch(() => {}));

test("SAVE IMAGE stores every name it gives; SAVE ARTIFACT names artifacts for COPY; --force writes outside the Buildfile's directory", async () => {
  const dir = await project({
    "app/Buildfile": `VERSION 0.8
FROM ebuild-fixture/busybox:latest

made:
    RUN mkdir -p /out && echo made > /out/file.txt
    SAVE ARTIFACT /out/file.txt nested/renamed.txt

t:
    COPY +made/nested/renamed.txt /copied.txt
    SAVE IMAGE ${images.join(" ")}
    SAVE ARTIFACT --force /copied.txt AS LOCAL ../shared/copied.txt

unforced:
    RUN echo x > /x.txt
    SAVE ARTIFACT /x.txt AS LOCAL ../shared/x.txt
`,
  });
  const run = await ebuild(["--progress", "plain", "./app+t"], { cwd: dir });
  assert.equal(run.code, 0, run.stderr + run.stdout);
  assert.equal(await readFile(join(dir, "shared/copied.txt"), "utf8"), "made\n");
  const ids = await Promise.all(images.map(async (name) => (await docker(["image", "inspect", "--format", "{{.Id}}", name])).trim()));
  assert.equal(ids[0], ids[1], "both names are the same image");
  assert.equal((await docker(["run", "--rm", "--network", "none", images[1]!, "cat", "/copied.txt"])).trim(), "made");

  const refused = await ebuild(["--progress", "plain", "./app+unforced"], { cwd: dir });
  assert.equal(refused.code, 2, refused.stderr + refused.stdout);
  assert.match(refused.stderr, /app\/Buildfile:15:\d+: AS LOCAL \.\.\/shared\/x\.txt leaves the Buildfile's directory[\s\S]*--force/);
  assert.equal(existsSync(join(dir, "shared/x.txt")), false);
});

test("DO through an IMPORT alias: the function has its own ARGs, sees the caller's ENV and files, and its SAVE counts for the caller", async () => {
  const dir = await project({
    Buildfile: `VERSION 0.8
IMPORT ./tools AS kit
FROM ebuild-fixture/busybox:latest
WORKDIR /w

t:
    ARG CALLER_ARG=caller
    ENV CALLER_ENV=from-env
    RUN echo from-file > caller.txt
    DO kit+REPORT --MSG=hello
    COPY kit+lib/lib.txt ./
    RUN cat lib.txt >> report.txt
    SAVE ARTIFACT report.txt AS LOCAL out/report.txt
`,
    "tools/Buildfile": `VERSION 0.8
FROM ebuild-fixture/busybox:latest

REPORT:
    FUNCTION
    ARG MSG
    RUN echo "$MSG arg=\${CALLER_ARG:-unseen} env=$CALLER_ENV file=$(cat caller.txt)" > report.txt
    SAVE ARTIFACT report.txt AS LOCAL out/from-function.txt

lib:
    RUN echo lib > /lib.txt
    SAVE ARTIFACT /lib.txt
`,
  });
  const run = await ebuild(["--progress", "plain", "+t"], { cwd: dir });
  assert.equal(run.code, 0, run.stderr + run.stdout);
  assert.equal(await readFile(join(dir, "out/report.txt"), "utf8"), "hello arg=unseen env=from-env file=from-file\nlib\n");
  // As COPY reads the caller's context, AS LOCAL writes relative to the caller's Buildfile.
  assert.equal(await readFile(join(dir, "out/from-function.txt"), "utf8"), "hello arg=unseen env=from-env file=from-file\n");
});
