/**
 * docker-container:// end to end on the real daemon. There is no BuildKit image to run offline,
 * so the "builder" container is the fixture busybox image with a `buildctl` script whose
 * `dial-stdio` is busybox nc to a loopback port; behind that port the test upgrades a connection to
 * Docker's own BuildKit (POST /grpc). Everything between ebuild and that port is real: docker exec,
 * its stdio, the container's network.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import net from "node:net";
import { after, before, test } from "node:test";
import { BuildkitClient } from "../../src/buildkit/client.js";
import { dialDockerEngine } from "../../src/buildkit/connection/docker-engine.js";

const goArch: Record<string, string> = { x64: "amd64", arm64: "arm64", arm: "arm", ia32: "386", ppc64: "ppc64le", s390x: "s390x", riscv64: "riscv64" };
const container = `ebuild-test-builder-${process.pid}`;
const docker = (...args: string[]) => execFileSync("docker", args, { encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });
let bridge: net.Server;
let bridged = 0;

before(async () => {
  bridge = net.createServer(async (socket) => {
    bridged++;
    socket.on("error", () => {});
    try {
      const daemon = await dialDockerEngine({ kind: "unix", path: "/var/run/docker.sock" }, AbortSignal.timeout(3000));
      daemon.on("error", () => socket.destroy());
      socket.pipe(daemon).pipe(socket);
    } catch {
      socket.destroy();
    }
  });
  await new Promise<void>((resolve) => bridge.listen(0, "127.0.0.1", resolve));
  const port = (bridge.address() as net.AddressInfo).port;
  docker("run", "-d", "--rm", "--network", "host", "--name", container, "ebuild-fixture/busybox:latest", "sleep", "600");
  docker("exec", container, "sh", "-c", `printf '#!/bin/sh\\nexec nc 127.0.0.1 ${port}\\n' > /bin/buildctl && chmod +x /bin/buildctl`);
});
after(() => {
  try {
    docker("rm", "-f", container);
  } catch {
    // Already gone.
  }
  bridge?.close();
});

test("docker-container:// reaches BuildKit through docker exec's stdio", async () => {
  const client = await BuildkitClient.connect({ buildkitHost: `docker-container://${container}` });
  try {
    assert.equal(client.address.kind, "docker-container");
    const workers = await client.listWorkers();
    const platforms = workers.flatMap((w) => w.platforms.map((p) => `${p.os}/${p.architecture}`));
    assert.ok(platforms.includes(`linux/${goArch[process.arch]}`), platforms.join(", "));
    assert.match((await client.info()).buildkitVersion?.version ?? "", /^v\d+\.\d+/);
    assert.equal(bridged, 1, "the calls went through the container");
  } finally {
    client.close();
  }
});
