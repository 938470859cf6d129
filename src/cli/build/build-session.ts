import { randomUUID } from "node:crypto";
import type { BuildkitClient } from "../../buildkit/client.js";
import { openEngineSessionTunnel, openSessionTunnel } from "../../buildkit/session-tunnel.js";
import {
  authService,
  fileSendService,
  fileSyncService,
  secretsService,
  serveSession,
  sshAgentService,
  sessionMethods,
  type Attachable,
  type CredentialSource,
  type ExportTarget,
  type SecretSource,
} from "../../buildkit/session/index.js";

/** What a build's session serves the daemon. */
export interface SessionServices {
  /** Build contexts by local source name → absolute directory. */
  contexts: ReadonlyMap<string, string>;
  secrets: ReadonlyMap<string, SecretSource>;
  /** ssh agents by id (`default`: SSH_AUTH_SOCK) for RUN --ssh / --mount=type=ssh. */
  sshAgents?: ReadonlyMap<string, string> | undefined;
  /** Registry auth; without it the daemon pulls and pushes anonymously. */
  credentials?: CredentialSource | undefined;
  /** Where the Solve's exporters write (by exporter index). */
  exports?: ReadonlyMap<number, ExportTarget> | undefined;
}

export interface OpenBuildSession {
  id: string;
  /** Stops serving; the daemon sees the session end. */
  close(): Promise<void>;
}

/**
 * Opens one session for one Solve. On Docker Engine the session gets its own connection
 * (`POST /session`, as buildx does): measured faster for large contexts than tunnelling it
 * through the Control API's Session stream, which is what a standalone buildkitd gets. A session per Solve keeps exports apart: the daemon names an
 * export target only by the exporter's index, which concurrent Solves would share. Context
 * uploads stay incremental across sessions because they share one key per project.
 */
export async function openBuildSession(client: BuildkitClient, services: SessionServices, sharedKey: string): Promise<OpenBuildSession> {
  const attachables: Attachable[] = [fileSyncService(services.contexts), secretsService(services.secrets)];
  if (services.credentials) attachables.push(authService(services.credentials));
  if (services.sshAgents && services.sshAgents.size > 0) attachables.push(sshAgentService(services.sshAgents));
  if (services.exports) attachables.push(fileSendService(services.exports));
  const id = randomUUID();
  const stop = new AbortController();
  const tunnelOptions = { sessionId: id, name: "ebuild", sharedKey, methods: sessionMethods(attachables) };
  const tunnel =
    client.address.kind === "docker-engine" ? await openEngineSessionTunnel(client.address, tunnelOptions) : openSessionTunnel(client, tunnelOptions);
  // A broken tunnel surfaces as the Solve's own failure; nothing to add here.
  tunnel.on("error", () => {});
  const served = serveSession(tunnel, attachables, { signal: stop.signal }).catch(() => {});
  return {
    id,
    async close() {
      stop.abort();
      await served;
    },
  };
}
