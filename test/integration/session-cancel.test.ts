/**
 * Cancelling a build while the daemon reads the context: the daemon resets our FileSync call and
 * the upload stops instead of running to the end.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { newBuildRef } from "../../src/buildkit/client.js";
import { openSessionTunnel } from "../../src/buildkit/session-tunnel.js";
import { fileSyncService, serveSession, sessionMethods, type Attachable } from "../../src/buildkit/session/index.js";
import { local, marshal } from "../../src/planner/llb/index.js";
import { useDaemon } from "../support/daemon.js";

const daemon = useDaemon();

test("cancelling a build during the context upload stops the upload", { timeout: 120_000 }, async () => {
  const context = await mkdtemp(join(tmpdir(), "ebuild-big-context-"));
  for (let i = 0; i < 4; i++) await writeFile(join(context, `blob-${i}`), randomBytes(32 * 1024 * 1024));
  const build = new AbortController();
  const outcomes: string[] = [];
  const sync = fileSyncService(new Map([["context", context]]));
  // Cancel the build as soon as the daemon starts reading, and record how the upload ended.
  const watched: Attachable = {
    methods: new Map(
      [...sync.methods].map(([path, handler]) => [
        path,
        async (call) => {
          setImmediate(() => build.abort());
          try {
            await handler(call);
            outcomes.push("completed");
          } catch (error) {
            outcomes.push(call.signal.aborted ? "aborted by the daemon" : `failed: ${String(error)}`);
            throw error;
          }
        },
      ]),
    ),
  };
  const sessionId = newBuildRef();
  const stop = new AbortController();
  const tunnel = openSessionTunnel(daemon.client, { sessionId, name: "ebuild-test", sharedKey: sessionId, methods: sessionMethods([watched]) });
  tunnel.on("error", () => {});
  const served = serveSession(tunnel, [watched], { signal: stop.signal });
  const { definition } = marshal(local("context", { sessionId, sharedKeyHint: "context" }));
  try {
    await assert.rejects(
      daemon.client.solve({ ref: newBuildRef(), sessionId, definition, exporters: [] }, build.signal),
      (error: Error & { kind?: string }) => error.kind === "cancelled",
    );
    // The daemon may take a moment to reset the call after the solve is gone.
    while (outcomes.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(outcomes, ["aborted by the daemon"]);
  } finally {
    stop.abort();
    await served;
  }
});
