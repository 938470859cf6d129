/**
 * RUN's flags and the blocks around it, run twice where the cache matters: --no-cache runs its
 * step and the later ones again but not the earlier ones; --network=none; CACHE and cache mounts
 * keep their contents across builds; a tmpfs mount never reaches the result; IF and FOR decide in
 * the build state.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { ebuild, project } from "../../support/cli.js";

const random = "head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \\n'";

test("RUN --no-cache busts its step and the later ones only; --network=none; CACHE and --mount type=cache persist; tmpfs stays out", async () => {
  const dir = await project({
    Buildfile: `VERSION 0.8
FROM ebuild-fixture/busybox:latest
WORKDIR /w

run:
    RUN ${random} > before.txt
    RUN --no-cache ${random} > busted.txt
    RUN ${random} > after.txt
    RUN --network=none ls /sys/class/net > nets.txt
    CACHE /cache
    RUN echo run >> /cache/log && cp /cache/log cache-command.txt
    RUN --mount=type=cache,target=/mounted echo run >> /mounted/log && cp /mounted/log cache-mount.txt
    RUN mkdir /w/scratch
    RUN --mount=type=tmpfs,target=/w/scratch echo temp > /w/scratch/file
    RUN ls -A /w/scratch > tmpfs.txt
    SAVE ARTIFACT *.txt AS LOCAL out/
`,
  });
  const build = async () => {
    const run = await ebuild(["--progress", "plain", "+run"], { cwd: dir });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const read = (name: string) => readFile(join(dir, "out", name), "utf8");
    return { before: await read("before.txt"), busted: await read("busted.txt"), after: await read("after.txt"), nets: await read("nets.txt"), cacheCommand: await read("cache-command.txt"), cacheMount: await read("cache-mount.txt"), tmpfs: await read("tmpfs.txt") };
  };
  const first = await build();
  const second = await build();
  assert.equal(second.before, first.before, "the step above RUN --no-cache comes from the cache");
  assert.notEqual(second.busted, first.busted, "RUN --no-cache runs again");
  assert.notEqual(second.after, first.after, "and so does everything after it");
  assert.equal(first.nets, "lo\n", "--network=none leaves only loopback");
  assert.equal(second.cacheCommand.split("\n").filter((l) => l === "run").length, first.cacheCommand.split("\n").filter((l) => l === "run").length + 1, "CACHE keeps the folder from one build to the next");
  assert.equal(second.cacheMount.split("\n").filter((l) => l === "run").length, first.cacheMount.split("\n").filter((l) => l === "run").length + 1, "so does a cache mount");
  assert.equal(first.tmpfs, "", "what a tmpfs mount held is not in the result");
});

test("IF / ELSE IF / ELSE and FOR decide in the build state at their line", async () => {
  const dir = await project({
    Buildfile: `VERSION 0.8
FROM ebuild-fixture/busybox:latest
WORKDIR /w

flow:
    ARG MODE=b
    RUN printf 'x\\ny\\n' > items
    IF [ "$MODE" = a ]
        RUN echo a > branch.txt
    ELSE IF [ -f items ]
        RUN echo "items exist, MODE=$MODE" > branch.txt
    ELSE
        RUN echo else > branch.txt
    END
    FOR item IN $(cat items) z
        RUN echo "$item" >> loop.txt
    END
    FOR --sep=, part IN one,two
        RUN echo "$part" >> parts.txt
    END
    SAVE ARTIFACT *.txt AS LOCAL out/
`,
  });
  const run = await ebuild(["--progress", "plain", "+flow"], { cwd: dir });
  assert.equal(run.code, 0, run.stderr + run.stdout);
  const read = (name: string) => readFile(join(dir, "out", name), "utf8");
  assert.equal(await read("branch.txt"), "items exist, MODE=b\n");
  assert.equal(await read("loop.txt"), "x\ny\nz\n");
  assert.equal(await read("parts.txt"), "one\ntwo\n");
  const other = await ebuild(["--progress", "plain", "+flow", "--MODE=a"], { cwd: dir });
  assert.equal(other.code, 0, other.stderr + other.stdout);
  assert.equal(await read("branch.txt"), "a\n");
});

test("TRY … FINALLY: the FINALLY artifact is written even when the RUN fails, which still fails the build at its line", async () => {
  const dir = await project({
    Buildfile: `VERSION --try 0.8
FROM ebuild-fixture/busybox:latest
WORKDIR /w
RUN chmod 777 /w

tested:
    ARG RESULT=0
    USER 1000
    TRY
        RUN echo "tests ran, exit $RESULT" > report.txt && exit $RESULT
    FINALLY
        SAVE ARTIFACT report.txt AS LOCAL out/report.txt
    END
    RUN echo built > built.txt
    SAVE ARTIFACT built.txt AS LOCAL out/built.txt
`,
  });
  const passing = await ebuild(["--progress", "plain", "+tested"], { cwd: dir });
  assert.equal(passing.code, 0, passing.stderr + passing.stdout);
  assert.equal(await readFile(join(dir, "out/report.txt"), "utf8"), "tests ran, exit 0\n");
  assert.equal(await readFile(join(dir, "out/built.txt"), "utf8"), "built\n");

  const failing = await ebuild(["--progress", "plain", "+tested", "--RESULT=3"], { cwd: dir });
  assert.equal(failing.code, 1, failing.stderr + failing.stdout);
  assert.match(failing.stderr + failing.stdout, /Buildfile:10:9[\s\S]*exit code:? 3/, "the failure is the RUN's, at its line");
  assert.equal(await readFile(join(dir, "out/report.txt"), "utf8"), "tests ran, exit 3\n", "FINALLY wrote the failing run's report");
  assert.equal(await readFile(join(dir, "out/built.txt"), "utf8"), "built\n", "what comes after the TRY is not written: the earlier output stays");
});
