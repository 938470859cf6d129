/**
 * The session tunnel on the real daemon: BuildKit's session manager connects back to us through
 * Control.Session and health-checks the session (every 5 s) with an HTTP/2 gRPC request.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { BuildkitClient } from "../../src/buildkit/client.js";
import { healthCheckPath, openHealthSession } from "../buildkit/support/health-session.js";

let client: BuildkitClient;
before(async () => {
  client = await BuildkitClient.connect();
});
after(() => client?.close());

test("the daemon opens the session tunnel and sends its health check through it", async () => {
  const session = openHealthSession(client);
  try {
    assert.equal(await session.firstRequest, healthCheckPath);
    assert.deepEqual(session.requests, [healthCheckPath]);
  } finally {
    session.close();
  }
});
