/**
 * The planner's Engine on the real daemon for a test file: one client, one health-only session and
 * one BuildkitEngine opened before the file's tests and closed after them.
 */
import { after, before } from "node:test";
import { BuildkitClient } from "../../src/buildkit/client.js";
import { BuildkitEngine } from "../../src/cli/build/buildkit-engine.js";
import { openHealthSession, type HealthSession } from "../buildkit/support/health-session.js";

export interface EngineHandle {
  /** The engine; only valid inside the file's tests. */
  readonly engine: BuildkitEngine;
}

export function useEngine(): EngineHandle {
  let client: BuildkitClient | undefined;
  let session: HealthSession | undefined;
  let engine: BuildkitEngine | undefined;
  before(async () => {
    client = await BuildkitClient.connect();
    session = openHealthSession(client);
    engine = new BuildkitEngine(client, session.sessionId);
  });
  after(async () => {
    await engine?.close();
    session?.close();
    client?.close();
  });
  return {
    get engine(): BuildkitEngine {
      if (engine === undefined) throw new Error("useEngine: the engine is opened in before()");
      return engine;
    },
  };
}
