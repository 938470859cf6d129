/**
 * The real daemon for one integration test file: connects before its tests, closes after them,
 * and removes the images they stored, so each file states only what it needs.
 *
 *   const daemon = useDaemon({ session: true, images: [name] });
 *   test("…", async () => { await runBuild(daemon.client, { …, sessionId: daemon.session.sessionId }); });
 */
import { after, before } from "node:test";
import { BuildkitClient } from "../../src/buildkit/client.js";
import { openHealthSession, type HealthSession } from "../buildkit/support/health-session.js";
import { removeImages } from "./docker.js";

/** What {@link useDaemon} gives a test file; its fields are there inside tests only. */
export interface TestDaemon {
  readonly client: BuildkitClient;
  /** A session kept open for the whole file (with `session: true`). */
  readonly session: HealthSession;
}

/** Options of {@link useDaemon}. */
export interface TestDaemonOptions {
  /** Open a session the file's tests share (answers only health checks). */
  readonly session?: boolean;
  /** Only Docker's socket: a BUILDKIT_HOST in the environment must not redirect this file. */
  readonly dockerOnly?: boolean;
  /** Images the tests store in Docker; read after the tests, so a file may add names as it goes. */
  readonly images?: readonly string[];
  /** Work that needs the daemon before the tests, such as building cache for them to look at. */
  readonly prepare?: (daemon: TestDaemon) => Promise<void>;
}

/**
 * Registers the file's `before` and `after` hooks for the daemon. Node 20 runs a file's top-level
 * hooks side by side, so work that needs the client goes in `prepare`, not in another `before`.
 */
export function useDaemon(options: TestDaemonOptions = {}): TestDaemon {
  let client: BuildkitClient | undefined;
  let session: HealthSession | undefined;
  const daemon: TestDaemon = {
    get client() {
      if (!client) throw new Error("the daemon's client exists only inside tests (useDaemon connects in `before`)");
      return client;
    },
    get session() {
      if (!session) throw new Error("no shared session: call useDaemon({ session: true })");
      return session;
    },
  };
  before(async () => {
    client = await BuildkitClient.connect(options.dockerOnly ? { env: { ...process.env, BUILDKIT_HOST: "" } } : {});
    if (options.session) session = openHealthSession(client);
    await options.prepare?.(daemon);
  });
  after(async () => {
    session?.close();
    client?.close();
    await removeImages([...(options.images ?? [])]);
  });
  return daemon;
}
