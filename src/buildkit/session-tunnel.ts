/**
 * The session tunnel: BuildKit's Control.Session call is a bidirectional stream of BytesMessages
 * that carries a raw HTTP/2 connection on which the DAEMON is the client and we serve gRPC (file
 * sync, secrets, auth, health). This module only turns that call into a byte Duplex and announces
 * the session in the call's metadata; the gRPC server that runs on the Duplex lives in session/.
 *
 * Header names are BuildKit's (session/session.go); gRPC metadata travels as lower-case HTTP/2
 * headers, and one method header is sent per served method, as grpc-go does for repeated values.
 */
import { Duplex } from "node:stream";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { EbuildError } from "../errors.js";
import { BytesMessageSchema } from "../gen/moby/buildkit/v1/control_pb.js";
import type { BuildkitClient } from "./client.js";
import type { DaemonAddress } from "./connection/address.js";
import { defaultConnectTimeoutMs } from "./connection/connect.js";
import { upgradeEngineConnection } from "./connection/docker-engine.js";

export interface SessionTunnelOptions {
  /** The session id that Solve requests name in their `session` field. */
  sessionId: string;
  /** A name for humans (BuildKit shows it in debug logs); buildx uses the context folder. */
  name: string;
  /** Sessions with the same key may share cached local sources; buildx uses a hash of the folder. */
  sharedKey: string;
  /** The gRPC methods we serve, e.g. "/grpc.health.v1.Health/Check" (see grpcMethodPath). */
  methods: string[];
  signal?: AbortSignal | undefined;
}

/** The path BuildKit expects for a served method: "/<package>.<Service>/<Method>". */
export function grpcMethodPath(service: string, method: string): string {
  return `/${service}/${method}`;
}

/** The metadata that announces a session to the daemon. */
export function sessionMetadata(options: Omit<SessionTunnelOptions, "signal">): Record<string, string | string[]> {
  return {
    "x-docker-expose-session-uuid": options.sessionId,
    "x-docker-expose-session-name": options.name,
    "x-docker-expose-session-sharedkey": options.sharedKey,
    "x-docker-expose-session-grpc-method": [...options.methods],
  };
}

/**
 * Opens Control.Session and returns the tunnel as a Duplex: bytes written go to the daemon, bytes
 * the daemon sends can be read. Ending the Duplex half-closes the call; destroying it cancels the
 * call, which ends the session on the daemon.
 */
export function openSessionTunnel(client: BuildkitClient, options: SessionTunnelOptions): Duplex {
  const call = client.openSessionCall(sessionMetadata(options), options.signal);
  const incoming = call.messages();
  // Resolved when the reader wants more after push() returned false.
  let wantMore: (() => void) | undefined;

  const tunnel = new Duplex({
    read() {
      const wake = wantMore;
      wantMore = undefined;
      wake?.();
    },
    write(chunk: Buffer, _encoding, callback) {
      call.send(toBinary(BytesMessageSchema, create(BytesMessageSchema, { data: chunk }))).then(() => callback(), callback);
    },
    final(callback) {
      call.end();
      callback();
    },
    destroy(error, callback) {
      call.cancel();
      const wake = wantMore;
      wantMore = undefined;
      wake?.();
      callback(error);
    },
  });

  void (async () => {
    try {
      for await (const bytes of incoming) {
        if (tunnel.destroyed) return;
        const { data } = fromBinary(BytesMessageSchema, bytes);
        if (data.length === 0) continue;
        if (!tunnel.push(data)) await new Promise<void>((resolve) => (wantMore = resolve));
      }
      tunnel.push(null);
    } catch (error) {
      if (!tunnel.destroyed) tunnel.destroy(error as Error);
    }
  })();
  return tunnel;
}

/**
 * The other way to open a session on Docker Engine, the one buildx uses: its own connection,
 * `POST /session` upgraded to h2c with the session headers, after which the daemon speaks HTTP/2
 * to us on that socket. The session's bulk data (context upload, exports) then has a connection
 * of its own instead of sharing HTTP/2 flow control and a socket with Solve and Status. Only for
 * `docker-engine` addresses; other daemons take openSessionTunnel.
 */
export async function openEngineSessionTunnel(address: DaemonAddress, options: SessionTunnelOptions): Promise<Duplex> {
  if (address.kind !== "docker-engine") {
    throw new EbuildError("internal", `POST /session is a Docker Engine endpoint; ${address.text} is not Docker Engine`);
  }
  // Docker reads these as HTTP/1 headers, in their canonical spelling (session/session.go).
  const headers = {
    "X-Docker-Expose-Session-Uuid": options.sessionId,
    "X-Docker-Expose-Session-Name": options.name,
    "X-Docker-Expose-Session-Sharedkey": options.sharedKey,
    "X-Docker-Expose-Session-Grpc-Method": options.methods,
  };
  const timeout = AbortSignal.timeout(defaultConnectTimeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  try {
    return await upgradeEngineConnection(address.engine, "/session", headers, signal);
  } catch (error) {
    const reason = timeout.aborted ? `no answer within ${defaultConnectTimeoutMs / 1000} s` : error instanceof Error ? error.message : String(error);
    throw new EbuildError("unreachable", `cannot open a build session at ${address.text}: ${reason}`, {
      hint: "check that Docker is running; or use the Control.Session tunnel (openSessionTunnel)",
      cause: error,
    });
  }
}
