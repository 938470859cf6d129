/**
 * A minimal session for integration tests: serves only gRPC health checks on the session tunnel,
 * which is what the daemon needs to keep a session alive. The real session server (file sync,
 * secrets, auth) is built in src/buildkit/session; these tests only need the tunnel to work.
 */
import http2 from "node:http2";
import { create, toBinary } from "@bufbuild/protobuf";
import type { Duplex } from "node:stream";
import type { BuildkitClient } from "../../../src/buildkit/client.js";
import { newBuildRef } from "../../../src/buildkit/client.js";
import { openEngineSessionTunnel, openSessionTunnel } from "../../../src/buildkit/session-tunnel.js";
import { HealthCheckResponse_ServingStatus, HealthCheckResponseSchema } from "../../../src/gen/grpc/health/v1/health_pb.js";
import { answerUnary, refuseUnimplemented } from "../../support/grpc-answer.js";

export const healthCheckPath = "/grpc.health.v1.Health/Check";

export interface HealthSession {
  sessionId: string;
  tunnel: Duplex;
  /** Paths of the HTTP/2 requests the daemon made on the tunnel, in order. */
  requests: string[];
  /** Resolves with the first request's path. */
  firstRequest: Promise<string>;
  close(): void;
}

const serving = toBinary(
  HealthCheckResponseSchema,
  create(HealthCheckResponseSchema, { status: HealthCheckResponse_ServingStatus.SERVING }),
);

/** Opens a session over Control.Session and answers health checks on it. */
export function openHealthSession(client: BuildkitClient): HealthSession {
  const sessionId = newBuildRef();
  const tunnel = openSessionTunnel(client, { sessionId, name: "ebuild-test", sharedKey: sessionId, methods: [healthCheckPath] });
  return serveHealthChecks(tunnel, sessionId);
}

/** Opens a session over Docker Engine's POST /session and answers health checks on it. */
export async function openEngineHealthSession(client: BuildkitClient): Promise<HealthSession> {
  const sessionId = newBuildRef();
  const tunnel = await openEngineSessionTunnel(client.address, { sessionId, name: "ebuild-test", sharedKey: sessionId, methods: [healthCheckPath] });
  return serveHealthChecks(tunnel, sessionId);
}

/** Runs an HTTP/2 gRPC server on `tunnel` that answers health checks with SERVING. */
export function serveHealthChecks(tunnel: Duplex, sessionId: string): HealthSession {
  const requests: string[] = [];
  let resolveFirst: (path: string) => void = () => {};
  const firstRequest = new Promise<string>((resolve) => (resolveFirst = resolve));
  const server = http2.createServer();
  server.on("stream", (stream, headers) => {
    const path = String(headers[":path"]);
    requests.push(path);
    resolveFirst(path);
    stream.on("error", () => {});
    if (path === healthCheckPath) answerUnary(stream, serving);
    else refuseUnimplemented(stream);
  });
  server.on("sessionError", () => {});
  server.emit("connection", tunnel);
  tunnel.on("error", () => {});
  return {
    sessionId,
    tunnel,
    requests,
    firstRequest,
    close() {
      tunnel.destroy();
      server.close();
    },
  };
}
