/**
 * Graphs from the LLB builder (src/planner/llb) solved on the real daemon: file ops, RUN settings,
 * mounts, merge and the source map. Run `bash scripts/buildkit-up` first.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import { runBuild } from "../../src/buildkit/build.js";
import { BuildFailedError } from "../../src/buildkit/build-failure.js";
import { newBuildRef, type ExporterEntry } from "../../src/buildkit/client.js";
import {
  constantCopyTime,
  image,
  marshal,
  merge,
  mkdir,
  SourceMap,
  type State,
} from "../../src/planner/llb/index.js";
import { useDaemon } from "../support/daemon.js";

const fixture = "ebuild-fixture/busybox:latest";
const exported = `ebuild-test/llb:${process.pid}`;
const docker = (...args: string[]) => execFileSync("docker", args, { encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });

const daemon = useDaemon({ session: true, dockerOnly: true, images: [exported] });

async function solve(state: State, exporters: ExporterEntry[] = []): Promise<void> {
  await runBuild(daemon.client, { ref: newBuildRef(), definition: marshal(state).definition, exporters, sessionId: daemon.session.sessionId });
}

/** Solves `state`, stores it in Docker and returns `cat path` run in the stored image. */
async function readFromImage(state: State, path: string): Promise<string> {
  await solve(state, [{ type: "moby", attrs: { name: exported } }]);
  return docker("run", "--rm", "--entrypoint", "/bin/cat", exported, path);
}

test("mkdir, mkfile and copy put files where a RUN finds them, with their modes and the constant COPY time", async () => {
  const base = image(fixture).dir("/work");
  const producer = base.run({ args: `mkdir -p /made && echo produced-${process.pid} > /made/p.txt` }).root();
  const files = base.file(
    mkdir("out", 0o750, { parents: true })
      .mkfile("out/hello", 0o640, "hi\n")
      .copy(producer, "/made/p.txt", "out/", { timestamp: constantCopyTime }),
  );
  const report = files
    .env("GREETING", "from-env")
    .run({ args: 'cd out && { stat -c "%n %a" . hello; stat -c "%n %Y" p.txt; cat hello p.txt; echo "$GREETING $PWD $(id -u)"; } > report' })
    .root();
  assert.equal(
    await readFromImage(report, "/work/out/report"),
    `. 750\nhello 640\np.txt 1587038400\nhi\nproduced-${process.pid}\nfrom-env /work/out 0\n`,
  );
});

test("a RUN's user, working directory and read-only bind mount with a selector", async () => {
  const base = image(fixture);
  const data = base.run({ args: "mkdir -p /data/sub && echo inside > /data/sub/f" }).root();
  const home = base.file(mkdir("/tmp/w", 0o755, { parents: true, chown: { user: 65534, group: 65534 } }));
  const checked = home.user("65534").dir("/tmp/w").run({
    args: 'echo "$(id -u) $PWD $(cat /mnt/f)" > out; touch /mnt/f 2>/dev/null && echo writable >> out; true',
    mounts: [{ type: "bind", target: "/mnt", from: data, readonly: true, selector: "/data/sub" }],
  }).root();
  assert.equal(await readFromImage(checked, "/tmp/w/out"), "65534 /tmp/w inside\n");
});

test("network none leaves only loopback, and a tmpfs mount is not part of the result", async () => {
  const st = image(fixture)
    .network("none")
    .run({
      args: "ls /sys/class/net > /nets; echo scratch > /scratch/f; grep -c ' /scratch tmpfs ' /proc/mounts > /tmpfs-mounted",
      mounts: [{ type: "tmpfs", target: "/scratch", size: 1 << 20 }],
    })
    .root()
    .run({ args: "cat /nets /tmpfs-mounted > /report; ls /scratch | wc -l >> /report" })
    .root();
  assert.equal(await readFromImage(st, "/report"), "lo\n1\n0\n");
});

test("a cache mount keeps its contents from one build to the next", async () => {
  const id = `ebuild-llb-test-${process.pid}`;
  const base = image(fixture);
  const write = base.run({
    args: `echo token-${process.pid} > /cache/token`,
    mounts: [{ type: "cache", target: "/cache", id, sharing: "locked" }],
    ignoreCache: true,
  });
  await solve(write.root());
  const read = base.run({
    args: "cp /cache/token /token",
    mounts: [{ type: "cache", target: "/cache", id, sharing: "locked" }],
    ignoreCache: true,
  });
  assert.equal(await readFromImage(read.root(), "/token"), `token-${process.pid}\n`);
});

test("merge layers two RUNs' changes on one base (where the daemon allows merge ops)", async (t) => {
  const base = image(fixture);
  const a = base.run({ args: "echo a > /a" }).root();
  const b = base.run({ args: "echo b > /b" }).root();
  const both = merge([a, b]).run({ args: "cat /a /b > /ab" }).root();
  const result = await readFromImage(both, "/ab").catch((error: unknown) => error);
  // Docker Engine without the containerd image store refuses merge and diff ops.
  if (result instanceof Error && /only enabled with containerd image store/.test(result.message)) {
    t.skip("this Docker Engine has no containerd image store: merge ops are disabled");
    return;
  }
  assert.equal(result, "a\nb\n");
});

test("a failing RUN is reported at its Buildfile line, on the step marshal named", async () => {
  const buildfile = new SourceMap("Buildfile", "VERSION 0.8\nfail:\n    RUN exit 7\n");
  const failing = image(fixture).run({
    args: "exit 7",
    ignoreCache: true,
    location: buildfile.at({ start: { line: 3, character: 4 }, end: { line: 3, character: 14 } }),
  });
  const marshalled = marshal(failing.root());
  const error = await runBuild(daemon.client, { ref: newBuildRef(), definition: marshalled.definition, sessionId: daemon.session.sessionId }).catch(
    (e: unknown) => e,
  );
  assert.ok(error instanceof BuildFailedError, String(error));
  assert.match(error.message, /exit code: 7/);
  assert.deepEqual(error.at, { file: "Buildfile", line: 3, column: 5 });
  assert.equal(error.vertexDigest, marshalled.rootDigest);
});
