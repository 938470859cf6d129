/**
 * A small gRPC server that runs on one HTTP/2 connection we did not open: inside a BuildKit session the
 * daemon is the HTTP/2 client and we answer its calls over a byte stream tunnelled through
 * Control.Session.
 *
 * Why node:http2 and not @grpc/grpc-js's connection injector: BuildKit passes list options (include
 * and exclude patterns, follow-paths) as repeated metadata entries, and grpc-js only sees Node's
 * header object, where repeated entries are joined with ", " — a pattern or file name containing a
 * comma could not be told apart. Node's raw header list keeps every entry. The framing we need is
 * small (length-prefixed messages, status trailers), and owning it also gives us flow-control-driven
 * backpressure on both directions and an AbortSignal per call when the daemon resets a stream.
 */
import http2 from "node:http2";
import type { Duplex } from "node:stream";

/** The gRPC status codes we use (same numbers as every gRPC implementation). */
export const GrpcStatus = {
  ok: 0,
  cancelled: 1,
  unknown: 2,
  invalidArgument: 3,
  notFound: 5,
  alreadyExists: 6,
  permissionDenied: 7,
  resourceExhausted: 8,
  failedPrecondition: 9,
  unimplemented: 12,
  internal: 13,
  unavailable: 14,
} as const;
export type GrpcStatus = (typeof GrpcStatus)[keyof typeof GrpcStatus];

/** Thrown by a method handler to end its call with a given status; the daemon shows `message`. */
export class GrpcError extends Error {
  readonly code: GrpcStatus;
  constructor(code: GrpcStatus, message: string) {
    super(message);
    this.name = "GrpcError";
    this.code = code;
  }
}

/** Request metadata: lower-case keys, every value of a repeated key in order. */
export type Metadata = ReadonlyMap<string, readonly string[]>;

/** One incoming call, as a method handler sees it. */
export interface ServerCall {
  /** The full method path, e.g. `/moby.filesync.v1.FileSync/DiffCopy`. */
  readonly method: string;
  readonly metadata: Metadata;
  /** Aborted when the daemon cancels the call or the connection goes away. */
  readonly signal: AbortSignal;
  /** The request messages, undecoded; ends when the daemon half-closes its side. */
  messages(): AsyncIterable<Uint8Array>;
  /** Sends one response message; resolves once the transport can take more (backpressure). */
  send(message: Uint8Array): Promise<void>;
}

/** Serves one call; resolving ends it with OK, throwing ends it with the error's status. */
export type MethodHandler = (call: ServerCall) => Promise<void>;

/** How much a call may have queued for sending before send() waits. */
const sendAllowanceBytes = 1 << 20;

/** Messages larger than this are refused; BuildKit's own limit is 16 MiB. */
const maxMessageBytes = 64 << 20;

/**
 * Serves gRPC calls on `connection` until the peer closes it or `signal` aborts. Resolves when the
 * connection is gone; never rejects (a broken connection simply ends the session).
 */
export function serveGrpc(
  connection: Duplex,
  handlers: ReadonlyMap<string, MethodHandler>,
  options: { signal?: AbortSignal } = {},
): Promise<void> {
  const server = http2.createServer({ maxSessionMemory: 64 });
  const sessionGone = new AbortController();
  server.on(
    "stream",
    (stream: http2.ServerHttp2Stream, _headers: http2.IncomingHttpHeaders, _flags: number, rawHeaders: string[]) => {
      // Nothing may escape as an unhandled rejection: a broken stream ends that call, not the process.
      handleStream(stream, rawHeaders, handlers, sessionGone.signal).catch(() => {
        if (!stream.destroyed) stream.destroy();
      });
    },
  );
  return new Promise<void>((resolve) => {
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      sessionGone.abort();
      options.signal?.removeEventListener("abort", onAbort);
      if (!connection.destroyed) connection.destroy();
      server.close();
      resolve();
    };
    // Deferred: Node's new session reads bytes already buffered on the socket on the next tick,
    // and a session destroyed before that throws from inside Node (a build failing at once).
    const onAbort = () =>
      setImmediate(() => {
        const session = current;
        if (session && !session.destroyed) session.destroy();
        finish();
      });
    let current: http2.ServerHttp2Session | undefined;
    server.on("session", (session) => {
      current = session;
      session.on("close", finish);
      session.on("error", () => finish());
    });
    connection.on("close", finish);
    connection.on("error", () => finish());
    if (options.signal?.aborted) {
      finish();
      return;
    }
    options.signal?.addEventListener("abort", onAbort, { once: true });
    server.emit("connection", connection);
  });
}

async function handleStream(
  stream: http2.ServerHttp2Stream,
  rawHeaders: string[],
  handlers: ReadonlyMap<string, MethodHandler>,
  sessionGone: AbortSignal,
): Promise<void> {
  const metadata = metadataFrom(rawHeaders);
  const method = metadata.get(":path")?.[0] ?? "";
  const aborted = new AbortController();
  const abort = () => aborted.abort(new GrpcError(GrpcStatus.cancelled, "call cancelled by the daemon"));
  let done = false;
  stream.on("close", () => {
    if (!done) abort();
  });
  stream.on("error", abort);
  const onSessionGone = () => abort();
  sessionGone.addEventListener("abort", onSessionGone, { once: true });

  let headersSent = false;
  const sendHeaders = () => {
    if (headersSent || stream.destroyed) return;
    headersSent = true;
    stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
  };
  const call: ServerCall = {
    method,
    metadata,
    signal: aborted.signal,
    messages: () => readMessages(stream, aborted.signal),
    async send(message) {
      if (aborted.signal.aborted) throw aborted.signal.reason;
      sendHeaders();
      const prefix = Buffer.alloc(5);
      prefix.writeUInt32BE(message.byteLength, 1);
      stream.write(prefix);
      // Node's per-stream buffer is 16 KiB, smaller than one file chunk: waiting for it to drain on
      // every message would make each one wait for a round trip through the tunnel. A bounded
      // allowance per call keeps messages flowing while the daemon's flow control still governs.
      if (!stream.write(message) && stream.writableLength > sendAllowanceBytes) await drained(stream, aborted.signal);
    },
  };

  let code: GrpcStatus = GrpcStatus.ok;
  let message = "";
  const handler = handlers.get(method);
  try {
    if (handler === undefined) throw new GrpcError(GrpcStatus.unimplemented, `unknown method ${method}`);
    await handler(call);
  } catch (err) {
    code = err instanceof GrpcError ? err.code : GrpcStatus.unknown;
    message = err instanceof Error ? err.message : String(err);
  } finally {
    done = true;
    sessionGone.removeEventListener("abort", onSessionGone);
  }
  if (stream.destroyed || stream.closed) return;
  const trailers = { "grpc-status": String(code), "grpc-message": encodeGrpcMessage(message) };
  if (!headersSent) {
    // Trailers-only response: one HEADERS frame that also ends the stream.
    headersSent = true;
    stream.respond({ ":status": 200, "content-type": "application/grpc", ...trailers }, { endStream: true });
    return;
  }
  stream.once("wantTrailers", () => stream.sendTrailers(trailers));
  stream.end();
}

/** Splits the incoming byte stream into length-prefixed gRPC messages. */
async function* readMessages(stream: http2.ServerHttp2Stream, signal: AbortSignal): AsyncGenerator<Uint8Array> {
  const pending = new ChunkQueue();
  let need = -1; // body length of the message being read, or -1 while reading a prefix
  for (let chunk = await readChunk(stream, signal); chunk !== null; chunk = await readChunk(stream, signal)) {
    pending.push(chunk);
    for (;;) {
      if (need < 0) {
        if (pending.length < 5) break;
        const prefix = pending.take(5);
        if (prefix[0] !== 0) throw new GrpcError(GrpcStatus.internal, "compressed messages are not supported");
        need = Buffer.from(prefix.buffer, prefix.byteOffset, 5).readUInt32BE(1);
        if (need > maxMessageBytes) {
          throw new GrpcError(GrpcStatus.resourceExhausted, `message of ${need} bytes exceeds ${maxMessageBytes}`);
        }
      }
      if (pending.length < need) break;
      const body = pending.take(need);
      need = -1;
      yield body;
    }
  }
  if (signal.aborted) throw signal.reason;
  if (need >= 0 || pending.length > 0) throw new GrpcError(GrpcStatus.internal, "stream ended inside a message");
}

/** Received bytes not yet parsed; take() copies out exactly what a message needs. */
class ChunkQueue {
  private chunks: Buffer[] = [];
  private offset = 0; // into chunks[0]
  length = 0;

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /** A fresh copy of the next `n` bytes (callers may keep it). */
  take(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const head = this.chunks[0]!;
      const count = Math.min(n - filled, head.length - this.offset);
      out.set(head.subarray(this.offset, this.offset + count), filled);
      filled += count;
      this.offset += count;
      if (this.offset === head.length) {
        this.chunks.shift();
        this.offset = 0;
      }
    }
    this.length -= n;
    return out;
  }
}

/**
 * The next chunk of the request body, or null at its end. Not `for await` over the stream: leaving
 * such a loop early destroys the stream, which would reset a call that is merely done reading.
 */
async function readChunk(stream: http2.ServerHttp2Stream, signal: AbortSignal): Promise<Buffer | null> {
  for (;;) {
    const chunk = stream.read() as Buffer | null;
    if (chunk !== null) return chunk;
    if (stream.readableEnded) return null;
    if (signal.aborted) throw signal.reason;
    if (stream.destroyed) throw new GrpcError(GrpcStatus.cancelled, "call cancelled by the daemon");
    await new Promise<void>((resolve) => {
      const wake = () => {
        stream.off("readable", wake);
        stream.off("end", wake);
        stream.off("close", wake);
        resolve();
      };
      stream.on("readable", wake);
      stream.on("end", wake);
      stream.on("close", wake);
    });
  }
}

function drained(stream: http2.ServerHttp2Stream, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const cleanup = () => {
      stream.off("drain", onDrain);
      stream.off("close", onClose);
      signal.removeEventListener("abort", onClose);
    };
    const onDrain = () => {
      cleanup();
      resolve();
    };
    const onClose = () => {
      cleanup();
      reject(signal.reason ?? new GrpcError(GrpcStatus.cancelled, "call cancelled by the daemon"));
    };
    stream.on("drain", onDrain);
    stream.on("close", onClose);
    signal.addEventListener("abort", onClose, { once: true });
  });
}

function metadataFrom(rawHeaders: string[]): Map<string, string[]> {
  const metadata = new Map<string, string[]>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const key = rawHeaders[i]!.toLowerCase();
    const values = metadata.get(key);
    if (values) values.push(rawHeaders[i + 1]!);
    else metadata.set(key, [rawHeaders[i + 1]!]);
  }
  return metadata;
}

/** grpc-message is percent-encoded outside printable ASCII (gRPC's HTTP/2 spec). */
function encodeGrpcMessage(message: string): string {
  let out = "";
  for (const byte of Buffer.from(message, "utf8")) {
    out += byte >= 0x20 && byte <= 0x7e && byte !== 0x25 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}
