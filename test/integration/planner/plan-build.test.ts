/**
 * A planned Buildfile run on the real daemon through the executor: COPY from the context and from
 * an artifact, ARG overrides reaching RUN, SAVE ARTIFACT … AS LOCAL written to the host, SAVE IMAGE
 * stored in Docker with its config, and a target reached only through FROM saving nothing.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { BuildkitClient } from "../../../src/buildkit/client.js";
import { executePlan } from "../../../src/cli/build/execute-plan.js";
import { nodeSourceReader } from "../../../src/cli/commands/plan.js";
import { plan, parseForPlanning } from "../../../src/planner/index.js";

const tag = `p${process.pid}`;
const docker = (...args: string[]) => execFileSync("docker", args, { encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });
const buildfile = `VERSION 0.8

all:
    BUILD +artifact
    BUILD +image

files:
    FROM ebuild-fixture/busybox:latest
    WORKDIR /w
    COPY hello.txt ./
    ARG NAME=world
    RUN echo "hello $NAME" >> hello.txt
    SAVE ARTIFACT hello.txt
    ARG TAG
    SAVE IMAGE ebuild-test/planner-files:$TAG

artifact:
    FROM ebuild-fixture/busybox:latest
    COPY +files/hello.txt /out/
    SAVE ARTIFACT /out/hello.txt AS LOCAL out/hello.txt

image:
    FROM +files
    ENV GREETING=hi
    CMD ["cat", "/w/hello.txt"]
    ARG TAG
    SAVE IMAGE ebuild-test/planner-image:$TAG
`;

let dir: string;
let client: BuildkitClient;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), "ebuild-plan-build-"));
  writeFileSync(join(dir, "Buildfile"), buildfile);
  writeFileSync(join(dir, "hello.txt"), "from the context\n");
  writeFileSync(join(dir, "unrelated.bin"), "never sent\n");
  client = await BuildkitClient.connect({ env: { ...process.env, BUILDKIT_HOST: "" } });
});
after(() => {
  client?.close();
  rmSync(dir, { recursive: true, force: true });
  for (const name of [`ebuild-test/planner-image:${tag}`, `ebuild-test/planner-files:${tag}`]) {
    try {
      docker("image", "rm", "-f", name);
    } catch {
      // Never stored.
    }
  }
});

test("a planned build writes its AS LOCAL artifact and stores its image; a FROM-only target saves nothing", async () => {
  const { plan: planned } = await plan({
    entry: { directory: dir, name: "all" },
    overrides: [["NAME", "ebuild"], ["TAG", tag]],
    platform: "linux/amd64",
    reader: nodeSourceReader,
    parse: parseForPlanning,
  });
  assert.deepEqual(planned.skipped.map((s) => s.what), [`ebuild-test/planner-files:${tag}`]);
  const report = await executePlan({ client, plan: planned, push: false, localOutput: true, allowPrivileged: false, secrets: new Map() });
  assert.deepEqual(report.images.map((i) => i.names), [[`ebuild-test/planner-image:${tag}`]]);
  assert.equal(readFileSync(join(dir, "out", "hello.txt"), "utf8"), "from the context\nhello ebuild\n");
  const config = JSON.parse(docker("image", "inspect", "--format", "{{json .Config}}", `ebuild-test/planner-image:${tag}`)) as { Env: string[]; Cmd: string[]; WorkingDir: string };
  assert.ok(config.Env.includes("GREETING=hi"), config.Env.join(" "));
  assert.ok(!config.Env.some((e) => e.startsWith("NAME=")), "ARGs do not enter the image config");
  assert.deepEqual(config.Cmd, ["cat", "/w/hello.txt"]);
  assert.equal(config.WorkingDir, "/w");
  assert.equal(docker("run", "--rm", `ebuild-test/planner-image:${tag}`), "from the context\nhello ebuild\n");
  assert.throws(() => docker("image", "inspect", `ebuild-test/planner-files:${tag}`), "the FROM-only target's image is not stored");
});
