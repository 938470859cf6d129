/**
 * Test helper for real-daemon session tests: one solve with a session serving the given
 * attachables over the client's session tunnel, as the CLI will do it.
 */
import type { BuildkitClient, SolveOptions, SolveResult } from "../../../src/buildkit/client.js";
import { newBuildRef } from "../../../src/buildkit/client.js";
import { openSessionTunnel } from "../../../src/buildkit/session-tunnel.js";
import { serveSession, sessionMethods, type Attachable } from "../../../src/buildkit/session/index.js";

export async function solveWithSession(
  client: BuildkitClient,
  sessionId: string,
  attachables: Attachable[],
  solve: Omit<SolveOptions, "ref" | "sessionId">,
): Promise<SolveResult> {
  const stop = new AbortController();
  const tunnel = openSessionTunnel(client, { sessionId, name: "ebuild-test", sharedKey: sessionId, methods: sessionMethods(attachables) });
  tunnel.on("error", () => {});
  const served = serveSession(tunnel, attachables, { signal: stop.signal });
  try {
    return await client.solve({ ...solve, ref: newBuildRef(), sessionId });
  } finally {
    stop.abort();
    await served;
  }
}
