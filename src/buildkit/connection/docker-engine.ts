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
  ) {
    super(`the Docker API answered "${statusLine}" to POST /grpc${body ? `: ${body.trim()}` : ""}`);
    this.name = "UpgradeRefusedError";
  }
}

// The Engine's answer to the upgrade is a short header block; anything longer is not a 101.
const maxResponseHead = 64 * 1024;

/** Opens the Engine API socket and upgrades it to BuildKit's HTTP/2 gRPC endpoint. */
export async function dialDockerEngine(engine: EngineEndpoint, signal: AbortSignal): Promise<Duplex> {
  const socket = engine.kind === "unix" ? await dialUnix(engine.path, signal) : await dialTcp(engine.host, engine.port, engine.tls, signal);
  const host = engine.kind === "unix" ? "docker" : `${engine.host}:${engine.port}`;
  socket.write(
    [
      "POST /grpc HTTP/1.1",
      `Host: ${host}`,
      "User-Agent: ebuild",
      "Content-Length: 0",
      "Connection: Upgrade",
      "Upgrade: h2c",
      "",
      "",
    ].join("\r\n"),
  );
  try {
    const rest = await readResponseHead(socket, signal);
    // The Engine starts HTTP/2 right after the 101, so its SETTINGS may share our last read.
    if (rest.length > 0) socket.unshift(rest);
    return socket;
  } catch (error) {
    socket.destroy();
    throw error;
  }
}

/** Reads up to the blank line ending the HTTP response head; returns the bytes read past it. */
function readResponseHead(socket: Duplex, signal: AbortSignal): Promise<Buffer> {
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
    const onEnd = () => fail(new Error("the Docker API closed the connection during the /grpc upgrade"));
    const onAbort = () => fail(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
    const onData = (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf("\r\n\r\n");
      if (end < 0) {
        if (received.length > maxResponseHead) fail(new Error("the Docker API sent an oversized answer to POST /grpc"));
        return;
      }
      cleanup();
      socket.pause();
      const head = received.subarray(0, end).toString("latin1");
      const statusLine = head.split("\r\n", 1)[0] ?? "";
      if (!/^HTTP\/1\.[01] 101\b/.test(statusLine)) {
        reject(new UpgradeRefusedError(statusLine, received.subarray(end + 4).toString("utf8").slice(0, 500)));
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
