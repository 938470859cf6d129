/**
 * Docker Engine's built-in BuildKit: `POST /grpc` on the Engine API with `Connection: Upgrade` and
 * `Upgrade: h2c`; after `101 Switching Protocols` the same socket speaks HTTP/2 with us as the
 * client and BuildKit's Control and LLBBridge services behind it (moby's api/server/router/grpc,
 * the request docker/buildx sends through the Docker client's DialHijack).
 */
import type { Duplex } from "node:stream";
import type { EngineEndpoint } from "./address.js";
import { dialTcp, dialUnix } from "./socket.js";

/** The Engine refused the upgrade: it answered, so this is not "unreachable" but a wrong daemon. */
export class UpgradeRefusedError extends Error {
  constructor(
    readonly statusLine: string,
    readonly body: string,
    readonly path: string,
  ) {
    super(`the Docker API answered "${statusLine}" to POST ${path}${body ? `: ${body.trim()}` : ""}`);
    this.name = "UpgradeRefusedError";
  }
}

// The Engine's answer to the upgrade is a short header block; anything longer is not a 101.
const maxResponseHead = 64 * 1024;

/** Opens the Engine API socket and upgrades it to BuildKit's HTTP/2 gRPC endpoint. */
export function dialDockerEngine(engine: EngineEndpoint, signal: AbortSignal): Promise<Duplex> {
  return upgradeEngineConnection(engine, "/grpc", {}, signal);
}

/**
 * Opens a new Engine API connection and upgrades `POST path` to h2c. Used for `/grpc` (we are the
 * HTTP/2 client) and `/session` (the daemon is: see session-tunnel.ts). Header values that are
 * lists become one header line each.
 */
export async function upgradeEngineConnection(
  engine: EngineEndpoint,
  path: "/grpc" | "/session",
  headers: Record<string, string | readonly string[]>,
  signal: AbortSignal,
): Promise<Duplex> {
  const socket = engine.kind === "unix" ? await dialUnix(engine.path, signal) : await dialTcp(engine.host, engine.port, engine.tls, signal);
  const host = engine.kind === "unix" ? "docker" : `${engine.host}:${engine.port}`;
  const extra = Object.entries(headers).flatMap(([name, value]) => (typeof value === "string" ? [value] : value).map((v) => `${name}: ${v}`));
  socket.write(
    [`POST ${path} HTTP/1.1`, `Host: ${host}`, "User-Agent: ebuild", "Content-Length: 0", "Connection: Upgrade", "Upgrade: h2c", ...extra, "", ""].join("\r\n"),
  );
  try {
    const rest = await readResponseHead(socket, path, signal);
    // The Engine starts HTTP/2 right after the 101, so its first frames may share our last read.
    if (rest.length > 0) socket.unshift(rest);
    return socket;
  } catch (error) {
    socket.destroy();
    throw error;
  }
}

/** Reads up to the blank line ending the HTTP response head; returns the bytes read past it. */
function readResponseHead(socket: Duplex, path: string, signal: AbortSignal): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    const cleanup = () => {
      socket.off("data", onData);
      socket.off("error", onError);
      socket.off("end", onEnd);
      signal.removeEventListener("abort", onAbort);
    };
    const fail = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onError = (error: Error) => fail(error);
    const onEnd = () => fail(new Error("the Docker API closed the connection during the upgrade"));
    const onAbort = () => fail(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
    const onData = (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf("\r\n\r\n");
      if (end < 0) {
        if (received.length > maxResponseHead) fail(new Error("the Docker API sent an oversized answer to the upgrade"));
        return;
      }
      cleanup();
      socket.pause();
      const head = received.subarray(0, end).toString("latin1");
      const statusLine = head.split("\r\n", 1)[0] ?? "";
      if (!/^HTTP\/1\.[01] 101\b/.test(statusLine)) {
        reject(new UpgradeRefusedError(statusLine, refusalText(head, received.subarray(end + 4).toString("utf8")), path));
        return;
      }
      resolve(received.subarray(end + 4));
    };
    socket.on("data", onData);
    socket.once("error", onError);
    socket.once("end", onEnd);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** The readable part of a refusal's body (as far as it arrived): Docker's JSON message, de-chunked. */
function refusalText(head: string, body: string): string {
  let text = body;
  if (/^transfer-encoding:\s*chunked/im.test(head)) {
    const chunk = /^[0-9a-f]+\r\n([\s\S]*?)\r\n/i.exec(text);
    text = chunk?.[1] ?? "";
  }
  try {
    const message = (JSON.parse(text) as { message?: unknown }).message;
    if (typeof message === "string") return message;
  } catch {
    // Not JSON: keep the text.
  }
  return text.trim().slice(0, 300);
}
