import assert from "node:assert/strict";
import { test } from "node:test";
import { resolveDaemonAddress } from "../../src/buildkit/connection/address.js";
import { EbuildError } from "../../src/errors.js";

const cases: Array<{ name: string; flag?: string; env: NodeJS.ProcessEnv; expect: Record<string, unknown> }> = [
  { name: "nothing set: Docker's default socket", env: {}, expect: { kind: "docker-engine", text: "unix:///var/run/docker.sock", source: "default" } },
  {
    name: "DOCKER_HOST unix://",
    env: { DOCKER_HOST: "unix:///tmp/d.sock" },
    expect: { kind: "docker-engine", engine: { kind: "unix", path: "/tmp/d.sock" }, source: "DOCKER_HOST" },
  },
  {
    name: "DOCKER_HOST tcp:// with DOCKER_CERT_PATH",
    env: { DOCKER_HOST: "tcp://10.0.0.2:2376", DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: "/certs" },
    expect: {
      kind: "docker-engine",
      engine: { kind: "tcp", host: "10.0.0.2", port: 2376, tls: { caFile: "/certs/ca.pem", certFile: "/certs/cert.pem", keyFile: "/certs/key.pem" } },
    },
  },
  { name: "BUILDKIT_HOST unix://", env: { BUILDKIT_HOST: "unix:///run/buildkit/buildkitd.sock", DOCKER_HOST: "unix:///x" }, expect: { kind: "unix", path: "/run/buildkit/buildkitd.sock" } },
  { name: "BUILDKIT_HOST tcp://", env: { BUILDKIT_HOST: "tcp://127.0.0.1:1234" }, expect: { kind: "tcp", host: "127.0.0.1", port: 1234, tls: undefined } },
  { name: "BUILDKIT_HOST tcp:// IPv6", env: { BUILDKIT_HOST: "tcp://[::1]:1234" }, expect: { kind: "tcp", host: "::1", port: 1234 } },
  { name: "BUILDKIT_HOST docker-container://", env: { BUILDKIT_HOST: "docker-container://buildx_buildkit_x0" }, expect: { kind: "docker-container", container: "buildx_buildkit_x0" } },
  { name: "--buildkit-host wins over BUILDKIT_HOST", flag: "unix:///flag.sock", env: { BUILDKIT_HOST: "tcp://127.0.0.1:1" }, expect: { kind: "unix", path: "/flag.sock" } },
];

for (const c of cases) {
  test(`daemon address: ${c.name}`, () => {
    const address = resolveDaemonAddress({ buildkitHost: c.flag, env: c.env }) as unknown as Record<string, unknown>;
    for (const [key, value] of Object.entries(c.expect)) assert.deepEqual(address[key], value, key);
  });
}

const bad = ["localhost:1234", "tcp://host", "tcp://host:99999", "ssh://host", "unix://", "docker-container://"];
for (const text of bad) {
  test(`daemon address "${text}" is a usage error that names it`, () => {
    assert.throws(
      () => resolveDaemonAddress({ env: { BUILDKIT_HOST: text } }),
      (error: unknown) => error instanceof EbuildError && error.kind === "usage" && error.message.includes(text),
    );
  });
}
