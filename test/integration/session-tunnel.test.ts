/**
 * Session tunnels on the real daemon: BuildKit's session manager connects back to us and
 * health-checks the session (every 5 s) with an HTTP/2 gRPC request, both through Control.Session
 * and through Docker Engine's own POST /session.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { BuildkitClient } from "../../src/buildkit/client.js";
import { healthCheckPath, openEngineHealthSession, openHealthSession, type HealthSession } from "../buildkit/support/health-session.js";

let client: BuildkitClient;
before(async () => {
  client = await BuildkitClient.connect({ env: { ...process.env, BUILDKIT_HOST: "" } });
});
after(() => client?.close());

const ways: Array<{ name: string; open: () => HealthSession | Promise<HealthSession> }> = [
  { name: "Control.Session", open: () => openHealthSession(client) },
  { name: "Docker's POST /session", open: () => openEngineHealthSession(client) },
];

for (const way of ways) {
  test(`the daemon opens a session through ${way.name} and health-checks it there`, async () => {
    const session = await way.open();
    try {
      assert.equal(await session.firstRequest, healthCheckPath);
      assert.deepEqual(session.requests, [healthCheckPath]);
    } finally {
      session.close();
    }
  });
}
