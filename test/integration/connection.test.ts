/**
 * The connection layer against the real daemon: Docker Engine's built-in BuildKit through the
 * Docker socket (run `bash scripts/buildkit-up` first), and the errors a user sees when nothing
 * answers where they pointed ebuild.
 */
import assert from "node:assert/strict";
import net from "node:net";
import { readFile, readlink } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { BuildkitClient } from "../../src/buildkit/client.js";
import { EbuildError } from "../../src/errors.js";
import { useDaemon } from "../support/daemon.js";
import { unusedPort } from "../support/ports.js";

// Docker and Go name architectures differently from Node.
const goArch: Record<string, string> = { x64: "amd64", arm64: "arm64", arm: "arm", ia32: "386", ppc64: "ppc64le", s390x: "s390x", riscv64: "riscv64" };

const daemon = useDaemon({ dockerOnly: true });

test("Docker's built-in BuildKit lists a worker for this machine's platform", async () => {
  const workers = await daemon.client.listWorkers();
  assert.ok(workers.length > 0, "no workers");
  const platforms = workers.flatMap((w) => w.platforms.map((p) => `${p.os}/${p.architecture}`));
  assert.ok(platforms.includes(`linux/${goArch[process.arch]}`), `platforms: ${platforms.join(", ")}`);
  assert.ok(workers.every((w) => w.id !== ""));
});

test("Info reports the daemon's BuildKit package and a version string", async () => {
  const info = await daemon.client.info();
  assert.equal(info.buildkitVersion?.package, "github.com/moby/buildkit");
  assert.match(info.buildkitVersion?.version ?? "", /^v\d+\.\d+/);
});

test("DiskUsage lists cache records with ids and sizes", async () => {
  const records = await daemon.client.diskUsage();
  for (const record of records) {
    assert.notEqual(record.id, "");
    assert.ok(record.size >= 0n);
  }
});

async function unreachable(inputs: Parameters<typeof BuildkitClient.connect>[0]): Promise<EbuildError> {
  try {
    const c = await BuildkitClient.connect(inputs);
    c.close();
  } catch (error) {
    assert.ok(error instanceof EbuildError, `not an EbuildError: ${String(error)}`);
    return error;
  }
  assert.fail("connected where nothing listens");
}

const missingSocket = path.join(os.tmpdir(), `ebuild-no-daemon-${process.pid}.sock`);

test("nothing at a unix path: unreachable, naming the path and how to start buildkitd", async () => {
  const error = await unreachable({ env: { BUILDKIT_HOST: `unix://${missingSocket}` } });
  assert.equal(error.kind, "unreachable");
  assert.equal(error.exitCode, 6);
  assert.ok(error.message.includes(`unix://${missingSocket}`), error.message);
  assert.match(error.message, /no socket there/);
  assert.match(error.hint ?? "", /buildkitd/);
});

test("a closed tcp port on 127.0.0.1: unreachable, naming host and port", async () => {
  const port = await unusedPort();
  const error = await unreachable({ env: { BUILDKIT_HOST: `tcp://127.0.0.1:${port}` } });
  assert.equal(error.kind, "unreachable");
  assert.ok(error.message.includes(`tcp://127.0.0.1:${port}`), error.message);
  assert.match(error.message, /connection refused/);
});

test("DOCKER_HOST pointing to a missing socket: unreachable, saying to start Docker or unset DOCKER_HOST", async () => {
  const error = await unreachable({ env: { DOCKER_HOST: `unix://${missingSocket}` } });
  assert.equal(error.kind, "unreachable");
  assert.ok(error.message.includes(`unix://${missingSocket}`), error.message);
  assert.match(error.hint ?? "", /unset DOCKER_HOST/);
});

test("a tcp port that accepts but never speaks HTTP/2 fails within the connect timeout", async () => {
  const sockets: net.Socket[] = [];
  const server = net.createServer((s) => sockets.push(s)).listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const port = (server.address() as net.AddressInfo).port;
  try {
    const error = await unreachable({ env: { BUILDKIT_HOST: `tcp://127.0.0.1:${port}` }, timeoutMs: 500 });
    assert.equal(error.kind, "unreachable");
    assert.match(error.message, /no answer within 0.5 s/);
  } finally {
    for (const s of sockets) s.destroy();
    server.close();
  }
});

test("docker-container:// naming a container that does not exist: unreachable, with Docker's words", async () => {
  const name = `ebuild-no-such-builder-${process.pid}`;
  const error = await unreachable({ env: { BUILDKIT_HOST: `docker-container://${name}` } });
  assert.equal(error.kind, "unreachable");
  assert.ok(error.message.includes(`docker-container://${name}`), error.message);
  assert.match(error.message, /No such container/i);
  assert.match(error.hint ?? "", new RegExp(`docker start ${name}`));
});

test("Prune with a filter that matches nothing removes nothing and ends cleanly", async () => {
  const removed = [];
  for await (const record of daemon.client.prune({ filter: [`id==ebuild-no-such-record-${process.pid}`] })) removed.push(record);
  assert.deepEqual(removed, []);
});

test("the dockerd that scripts/buildkit-up started runs in /, not in the directory it was started from", async (t) => {
  const pidFile = path.join(process.env.EBUILD_DEV_STATE ?? "/var/lib/ebuild-dev", "dockerd.pid");
  let pid: string;
  try {
    pid = (await readFile(pidFile, "utf8")).trim();
    await readlink(`/proc/${pid}/cwd`);
  } catch {
    t.skip("dockerd was not started by scripts/buildkit-up here");
    return;
  }
  // BuildKit runs git in the daemon's directory: once a CI clone it was started from is removed,
  // every git source would fail with "unable to get current working directory".
  assert.equal(await readlink(`/proc/${pid}/cwd`), "/");
});
