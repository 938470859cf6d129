/**
 * Runs a BuildKit session: the gRPC server the daemon calls back into, on the byte stream that
 * Control.Session tunnels (see the client's openSessionTunnel).
 */
import type { Duplex } from "node:stream";
import type { Attachable } from "./attachable.js";
import { serveGrpc, type MethodHandler } from "./grpc-server.js";
import { healthService } from "./health.js";

/** Every method path the session serves, to announce in the session's method headers. */
export function sessionMethods(attachables: readonly Attachable[]): string[] {
  return [...handlersOf(attachables).keys()];
}

/**
 * Serves `attachables` (plus the health check every session needs) on `connection` until the
 * daemon closes it or `signal` aborts. Resolves when the connection is gone.
 */
export function serveSession(
  connection: Duplex,
  attachables: readonly Attachable[],
  options: { signal?: AbortSignal } = {},
): Promise<void> {
  return serveGrpc(connection, handlersOf(attachables), options);
}

function handlersOf(attachables: readonly Attachable[]): Map<string, MethodHandler> {
  const handlers = new Map<string, MethodHandler>();
  for (const attachable of [healthService(), ...attachables]) {
    for (const [path, handler] of attachable.methods) {
      if (handlers.has(path)) throw new Error(`two session attachables serve ${path}`);
      handlers.set(path, handler);
    }
  }
  return handlers;
}
