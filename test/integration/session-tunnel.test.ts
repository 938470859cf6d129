/**
 * Session tunnels on the real daemon: BuildKit's session manager connects back to us and
 * health-checks the session (every 5 s) with an HTTP/2 gRPC request, both through Control.Session
 * and through Docker Engine's own POST /session.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { healthCheckPath, openEngineHealthSession, openHealthSession, type HealthSession } from "../buildkit/support/health-session.js";
import { useDaemon } from "../support/daemon.js";

const daemon = useDaemon({ dockerOnly: true });

const ways: Array<{ name: string; open: () => HealthSession | Promise<HealthSession> }> = [
  { name: "Control.Session", open: () => openHealthSession(daemon.client) },
  { name: "Docker's POST /session", open: () => openEngineHealthSession(daemon.client) },
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
