/**
 * Opens the gRPC channel to the daemon at an address: one dialer per kind of address, then HTTP/2,
 * all under one connect timeout. Every failure becomes EbuildError("unreachable") naming the address
 * tried and what to do about it.
 */
import type { Duplex } from "node:stream";
import { EbuildError } from "../../errors.js";
import { GrpcChannel } from "../grpc/channel.js";
import { defaultDockerSocket, type DaemonAddress } from "./address.js";
import { dialDockerContainer } from "./docker-container.js";
import { dialDockerEngine, UpgradeRefusedError } from "./docker-engine.js";
import { dialTcp, dialUnix } from "./socket.js";

/**
 * How long connecting (socket, upgrade, HTTP/2 settings) may take before we give up. A daemon that is
 * not there fails at once (refused, no socket); this bounds one that hangs. 2 s proved too short for a
 * busy daemon on a loaded CI machine (sessions of a 200-target build timed out), so 10 s.
 */
export const defaultConnectTimeoutMs = 10_000;

export interface ConnectOptions {
  timeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
}

/** Connects to the daemon and starts HTTP/2; throws EbuildError("unreachable") on any failure. */
export async function openChannel(address: DaemonAddress, options: ConnectOptions = {}): Promise<GrpcChannel> {
  const timeoutMs = options.timeoutMs ?? defaultConnectTimeoutMs;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  let transport: (Duplex & { stderrText?: () => string }) | undefined;
  try {
    transport = await dial(address, signal);
    return await GrpcChannel.open(transport, { signal });
  } catch (error) {
    transport?.destroy();
    if (error instanceof EbuildError) throw error;
    if (options.signal?.aborted) throw new EbuildError("cancelled", "cancelled while connecting to the daemon", { cause: error });
    const reason = timeout.aborted ? `no answer within ${timeoutMs / 1000} s` : describe(error, transport?.stderrText?.());
    throw unreachable(address, reason, error);
  }
}

function dial(address: DaemonAddress, signal: AbortSignal): Promise<Duplex> {
  switch (address.kind) {
    case "unix":
      return dialUnix(address.path, signal);
    case "tcp":
      return dialTcp(address.host, address.port, address.tls, signal);
    case "docker-container":
      return dialDockerContainer(address.container, signal);
    case "docker-engine":
      return dialDockerEngine(address.engine, signal);
  }
}

/** Short words for the usual socket errors. */
function describe(error: unknown, stderr: string | undefined): string {
  if (stderr) return stderr;
  if (error instanceof UpgradeRefusedError) return error.message;
  const errno = error as NodeJS.ErrnoException & { reason?: string };
  if (errno?.code?.startsWith("ERR_SSL_")) {
    // OpenSSL's message is a path into its sources; its `reason` is the readable part.
    if (/certificate required/.test(errno.reason ?? "")) return "TLS: the daemon requires a client certificate and key";
    return `TLS: ${errno.reason ?? errno.code}`;
  }
  switch (errno?.code) {
    case "ENOENT":
      return "no socket there";
    case "ECONNREFUSED":
      return "connection refused: nothing listens there";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "ENOTSOCK":
      return "the path is not a socket";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "the host name does not resolve";
    case "ECONNRESET":
      return "the connection was reset";
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

function unreachable(address: DaemonAddress, reason: string, cause: unknown): EbuildError {
  const code = (cause as NodeJS.ErrnoException)?.code;
  return new EbuildError("unreachable", `cannot reach the BuildKit daemon at ${address.text}: ${reason}`, {
    hint: hintFor(address, code, cause),
    cause,
  });
}

function hintFor(address: DaemonAddress, code: string | undefined, cause: unknown): string {
  const useBuildkitd = "or set BUILDKIT_HOST=unix:///run/buildkit/buildkitd.sock (or --buildkit-host) to use a standalone buildkitd";
  if (code === "EACCES" || code === "EPERM") {
    return `you may not open ${address.text}: run ebuild as a user in the "docker" group (or as root), ${useBuildkitd}`;
  }
  switch (address.kind) {
    case "docker-engine":
      if (cause instanceof UpgradeRefusedError) {
        return "this Docker Engine does not serve BuildKit on /grpc (Docker 23 or newer does); upgrade Docker, " + useBuildkitd;
      }
      if (address.source === "DOCKER_HOST") {
        return `start Docker at DOCKER_HOST=${address.text}, or unset DOCKER_HOST to use ${defaultDockerSocket}, ${useBuildkitd}`;
      }
      return `start Docker ("systemctl start docker", or "dockerd &" as root), ${useBuildkitd}`;
    case "unix":
      return `start buildkitd listening there ("buildkitd --addr ${address.text}"), or set BUILDKIT_HOST to where it listens; unset it to use Docker's built-in BuildKit`;
    case "tcp":
      if (address.tls) {
        return `check that buildkitd listens on ${address.host}:${address.port} with TLS and that the CA, client certificate and server name match its certificate`;
      }
      return `start buildkitd listening there ("buildkitd --addr ${address.text}"), or set BUILDKIT_HOST to where it listens; unset it to use Docker's built-in BuildKit`;
    case "docker-container":
      return `start the container ("docker start ${address.container}"); it must run buildkitd and have buildctl, like buildx's docker-container builders`;
  }
}
