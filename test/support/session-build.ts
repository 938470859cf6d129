/**
 * Test helper: one build with a session serving `attachables`, its progress events collected, the
 * way the CLI will run a build (session tunnel → serveSession → runBuild).
 */
import { newBuildRef, openSessionTunnel, runBuild, type BuildkitClient, type ProgressEvent, type SolveOptions, type SolveResult } from "../../src/buildkit/index.js";
import { serveSession, sessionMethods, type Attachable } from "../../src/buildkit/session/index.js";

export interface SessionBuild {
  result: SolveResult;
  events: ProgressEvent[];
}

/** Runs the solve with a fresh session; rejects as the build does, with `events` on the error. */
export async function buildWithSession(
  client: BuildkitClient,
  attachables: Attachable[],
  solve: Omit<SolveOptions, "ref" | "sessionId">,
  sessionId = newBuildRef(),
): Promise<SessionBuild> {
  const events: ProgressEvent[] = [];
  const stop = new AbortController();
  const tunnel = openSessionTunnel(client, { sessionId, name: "ebuild-test", sharedKey: sessionId, methods: sessionMethods(attachables) });
  tunnel.on("error", () => {});
  const served = serveSession(tunnel, attachables, { signal: stop.signal });
  try {
    const result = await runBuild(client, { ...solve, ref: newBuildRef(), sessionId }, { onProgress: (event) => events.push(event) });
    return { result, events };
  } catch (error) {
    Object.assign(error as object, { events });
    throw error;
  } finally {
    stop.abort();
    tunnel.destroy();
    await served;
  }
}

/** Everything the progress stream showed a user, as text: step names, logs, warnings, errors. */
export function progressText(events: readonly ProgressEvent[]): string {
  const parts: string[] = [];
  for (const event of events) {
    parts.push(event.vertex.name);
    if (event.type === "log") parts.push(Buffer.from(event.data).toString("latin1"));
    if (event.type === "vertex-errored") parts.push(event.error);
    if (event.type === "vertex-progress") parts.push(event.id, event.name);
    if (event.type === "warning") parts.push(event.message, ...event.detail);
  }
  return parts.join("\n");
}
