/**
 * Test helper: plays the daemon's part of a session in-process. serveSession runs on one end of a
 * duplex pair; an HTTP/2 client speaking gRPC framing runs on the other.
 */
import http2 from "node:http2";
import { Duplex } from "node:stream";
import type { Attachable } from "../../../src/buildkit/session/attachable.js";
import type { ServerCall } from "../../../src/buildkit/session/grpc-server.js";
import { serveSession } from "../../../src/buildkit/session/serve.js";

/**
 * Two connected in-memory byte streams. Delivery is deferred to a later turn, as on a real socket:
 * a synchronous hand-over would re-enter one HTTP/2 session from inside the other's write, which
 * Node's http2 over a JS stream does not survive.
 */
export function duplexPair(): [Duplex, Duplex] {
  const ends: Duplex[] = [];
  const make = (peer: () => Duplex) =>
    new Duplex({
      read() {},
      write(chunk, _encoding, done) {
        setImmediate(() => {
          peer().push(chunk);
          done();
        });
      },
      final(done) {
        setImmediate(() => {
          peer().push(null);
          done();
        });
      },
      destroy(err, done) {
        peer().destroy();
        done(err);
      },
    });
  ends.push(make(() => ends[1]!), make(() => ends[0]!));
  return [ends[0]!, ends[1]!];
}

export interface CallStatus {
  code: number;
  message: string;
}

/** The daemon's side of one call. */
export interface ClientCall {
  send(message: Uint8Array): void;
  /** Half-closes: no more requests. */
  end(): void;
  /** Resets the stream, as grpc-go does when its context is cancelled. */
  cancel(): void;
  messages(): AsyncIterable<Uint8Array>;
  readonly status: Promise<CallStatus>;
}

export interface TestSession {
  call(path: string, metadata?: Record<string, string | string[]>): ClientCall;
  /** A unary call: one request, at most one response. */
  unary(path: string, request: Uint8Array, metadata?: Record<string, string | string[]>): Promise<CallStatus & { response?: Uint8Array }>;
  close(): Promise<void>;
  /** Resolves when serveSession returns. */
  readonly served: Promise<void>;
}

export function startSession(attachables: Attachable[], options: { signal?: AbortSignal } = {}): TestSession {
  const [ours, theirs] = duplexPair();
  const served = serveSession(ours, attachables, options);
  const client = http2.connect("http://session", { createConnection: () => theirs as unknown as import("node:net").Socket });
  client.on("error", () => {});

  const call: TestSession["call"] = (path, metadata = {}) => {
    const stream = client.request({
      ":method": "POST",
      ":path": path,
      "content-type": "application/grpc",
      te: "trailers",
      ...metadata,
    });
    let statusFrom: (s: CallStatus) => void = () => {};
    const status = new Promise<CallStatus>((resolve) => (statusFrom = resolve));
    const fromHeaders = (headers: http2.IncomingHttpHeaders) => {
      const code = headers["grpc-status"];
      if (code !== undefined) {
        statusFrom({ code: Number(code), message: decodeURIComponent(String(headers["grpc-message"] ?? "")) });
      }
    };
    stream.on("response", fromHeaders);
    stream.on("trailers", fromHeaders);
    stream.on("close", () => statusFrom({ code: 1, message: `stream closed (rst ${stream.rstCode})` }));
    stream.on("error", () => {});
    // As grpc-go's client does: once the server has ended the call, stop our side too.
    stream.on("end", () => {
      if (!stream.closed) stream.close(http2.constants.NGHTTP2_NO_ERROR);
    });
    return {
      send(message) {
        const prefix = Buffer.alloc(5);
        prefix.writeUInt32BE(message.byteLength, 1);
        stream.write(prefix);
        stream.write(message);
      },
      end: () => stream.end(),
      cancel: () => stream.close(http2.constants.NGHTTP2_CANCEL),
      messages: () => frames(stream),
      status,
    };
  };

  return {
    call,
    async unary(path, request, metadata) {
      const c = call(path, metadata);
      c.send(request);
      c.end();
      let response: Uint8Array | undefined;
      for await (const message of c.messages()) response = message;
      const status = await c.status;
      return response === undefined ? status : { ...status, response };
    },
    async close() {
      // Not waiting for close()'s callback: Node never calls it when the session is already gone.
      client.close();
      theirs.destroy();
      await served;
    },
    served,
  };
}

/** Lets code written for the server side (our fsutil sender and receiver) drive a client call. */
export function asServerCall(call: ClientCall, method = "test"): ServerCall {
  return {
    method,
    metadata: new Map(),
    signal: new AbortController().signal,
    messages: () => call.messages(),
    send: async (message) => call.send(message),
  };
}

/**
 * Splits a client stream into messages. Reads through events rather than the async iterator: a
 * server may reset a finished stream (RST_STREAM NO_ERROR) while we still hold unread data.
 */
async function* frames(stream: http2.ClientHttp2Stream): AsyncGenerator<Uint8Array> {
  const chunks: Buffer[] = [];
  let ended = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  stream.on("data", (chunk: Buffer) => {
    chunks.push(chunk);
    notify();
  });
  stream.on("end", () => {
    ended = true;
    notify();
  });
  stream.on("close", () => {
    ended = true;
    notify();
  });
  let buffered = Buffer.alloc(0);
  for (;;) {
    if (chunks.length > 0) buffered = Buffer.concat([buffered, ...chunks.splice(0)]);
    while (buffered.length >= 5 && buffered.length >= 5 + buffered.readUInt32BE(1)) {
      const length = buffered.readUInt32BE(1);
      yield new Uint8Array(buffered.subarray(5, 5 + length));
      buffered = buffered.subarray(5 + length);
    }
    if (chunks.length > 0) continue;
    if (ended) return;
    await new Promise<void>((resolve) => (wake = resolve));
  }
}
