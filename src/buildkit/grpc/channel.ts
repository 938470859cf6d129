/**
 * A small gRPC client on node:http2, running over whatever byte stream a connection module hands us.
 *
 * Why not @grpc/grpc-js: its client channel dials sockets itself from a target string and has no
 * public way to run over an existing Duplex (an upgraded Docker socket, `buildctl dial-stdio` on a
 * child's stdio); the workaround is a bridge through a private unix socket, which adds a copy and a
 * listener to every build. `http2.connect(authority, { createConnection })` takes any Duplex, and
 * the gRPC wire protocol on top of HTTP/2 is small: length-prefixed messages, a few headers and the
 * status in trailers. Cancelling a call resets its HTTP/2 stream with CANCEL, which grpc-go turns
 * into a cancelled context on the daemon, so an aborted Solve stops there too.
 */
import http2 from "node:http2";
import type { Duplex } from "node:stream";
import { encodeMessage, MessageDecoder } from "./framing.js";
import { codeFromHttpStatus, GrpcCode, GrpcError, statusFromHeaders } from "./status.js";

/** gRPC metadata: lower-case names; several values make several header fields. */
export type Metadata = Record<string, string | readonly string[]>;

export interface CallOptions {
  /** Aborting cancels the call on the server (RST_STREAM CANCEL). */
  signal?: AbortSignal | undefined;
  /** Milliseconds until the call fails with DEADLINE_EXCEEDED (also sent as `grpc-timeout`). */
  timeoutMs?: number | undefined;
  metadata?: Metadata | undefined;
}

const { NGHTTP2_CANCEL, NGHTTP2_REFUSED_STREAM, NGHTTP2_NO_ERROR } = http2.constants;

// Bigger windows than HTTP/2's 64 KiB default: context uploads and exports move hundreds of MB
// through few streams, and the default window makes every stream wait for a round trip per 64 KiB.
const streamWindow = 4 << 20;
const sessionWindow = 32 << 20;

/** One HTTP/2 connection to a gRPC server. */
export class GrpcChannel {
  private closedError: Error | undefined;

  private constructor(private readonly session: http2.ClientHttp2Session) {
    session.on("error", (error: Error) => {
      this.closedError ??= error;
    });
    session.on("close", () => {
      this.closedError ??= new Error("the connection to the daemon closed");
    });
  }

  /**
   * Starts HTTP/2 on `transport` and resolves once the server's SETTINGS arrived (so a peer that
   * is not an HTTP/2 server fails here, not on the first call).
   */
  static open(transport: Duplex, options: { authority?: string; signal?: AbortSignal } = {}): Promise<GrpcChannel> {
    return new Promise((resolve, reject) => {
      const session = http2.connect(`http://${options.authority ?? "buildkitd"}`, {
        createConnection: () => transport,
        settings: { initialWindowSize: streamWindow, enablePush: false },
        // Node refuses new streams past this many MB of session buffers; paused streams may each
        // hold a full window, so leave room for several (the default is 10).
        maxSessionMemory: 64,
      });
      const fail = (error: Error) => {
        cleanup();
        // Late errors of a session we gave up on have nowhere to go; keep them from crashing us.
        session.on("error", () => {});
        session.destroy();
        transport.destroy();
        reject(error);
      };
      const onAbort = () => fail(options.signal?.reason instanceof Error ? options.signal.reason : new Error("aborted"));
      const onClose = () => fail(new Error("the server closed the connection before HTTP/2 started"));
      const cleanup = () => {
        session.off("error", fail);
        session.off("close", onClose);
        options.signal?.removeEventListener("abort", onAbort);
      };
      // Transport errors can come late (a TLS 1.3 server refuses our certificate after the
      // handshake completed on our side): they fail the opening, and later the session.
      let opened = false;
      transport.on("error", (error: Error) => (opened ? session.destroy(error) : fail(error)));
      session.once("error", fail);
      session.once("close", onClose);
      options.signal?.addEventListener("abort", onAbort, { once: true });
      session.once("remoteSettings", () => {
        opened = true;
        cleanup();
        session.setLocalWindowSize(sessionWindow);
        resolve(new GrpcChannel(session));
      });
    });
  }

  /** True once the connection has failed or been closed. */
  get closed(): boolean {
    return this.closedError !== undefined || this.session.closed || this.session.destroyed;
  }

  /** Closes the connection; calls still running fail with UNAVAILABLE. */
  close(): void {
    this.session.close();
    this.session.destroy();
  }

  /** Starts a call of any kind; unary and streaming helpers are built on it. */
  call(method: string, options: CallOptions = {}): Call {
    return new Call(this.session, method, options, this.closedError);
  }

  /** One request, one response. */
  async unary(method: string, request: Uint8Array, options: CallOptions = {}): Promise<Uint8Array> {
    const call = this.call(method, options);
    call.send(request);
    call.end();
    let response: Uint8Array | undefined;
    for await (const message of call.messages()) {
      if (response !== undefined) throw new GrpcError(GrpcCode.INTERNAL, "more than one response to a unary call", method);
      response = message;
    }
    if (response === undefined) throw new GrpcError(GrpcCode.INTERNAL, "no response to a unary call", method);
    return response;
  }

  /** One request, a stream of responses; ends when the server sends its status. */
  serverStream(method: string, request: Uint8Array, options: CallOptions = {}): AsyncGenerator<Uint8Array> {
    const call = this.call(method, options);
    call.send(request);
    call.end();
    return call.messages();
  }
}

// Receive-side backpressure: pause the HTTP/2 stream (and with it the peer, through flow control)
// while this many messages wait to be read.
const highWater = 64;

/** A call in flight: send messages, end the request side, read responses, cancel. */
export class Call {
  private readonly stream: http2.ClientHttp2Stream | undefined;
  private readonly decoder = new MessageDecoder();
  private readonly queue: Uint8Array[] = [];
  private wake: (() => void) | undefined;
  private finished = false;
  private error: Error | undefined;
  private responseHeaders: http2.IncomingHttpHeaders | undefined;
  private trailers: http2.IncomingHttpHeaders | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly onAbort = () => this.cancel(new GrpcError(GrpcCode.CANCELLED, "cancelled", this.method, { cause: this.options.signal?.reason }));

  constructor(
    private readonly session: http2.ClientHttp2Session,
    readonly method: string,
    private readonly options: CallOptions,
    connectionError: Error | undefined,
  ) {
    if (connectionError || session.closed || session.destroyed) {
      this.finish(new GrpcError(GrpcCode.UNAVAILABLE, `connection closed: ${connectionError?.message ?? "closed"}`, method));
      return;
    }
    if (options.signal?.aborted) {
      this.finish(new GrpcError(GrpcCode.CANCELLED, "cancelled before it started", method, { cause: options.signal.reason }));
      return;
    }
    const headers: http2.OutgoingHttpHeaders = {
      ":method": "POST",
      ":path": method,
      "content-type": "application/grpc",
      te: "trailers",
      "user-agent": "ebuild-grpc/0.1",
    };
    for (const [name, value] of Object.entries(options.metadata ?? {})) headers[name.toLowerCase()] = value as string | string[];
    if (options.timeoutMs !== undefined) {
      // At most 8 digits (gRPC over HTTP/2); seconds once milliseconds no longer fit.
      const ms = Math.max(1, Math.ceil(options.timeoutMs));
      headers["grpc-timeout"] = ms < 1e8 ? `${ms}m` : `${Math.min(99_999_999, Math.ceil(ms / 1000))}S`;
      this.timer = setTimeout(
        () => this.cancel(new GrpcError(GrpcCode.DEADLINE_EXCEEDED, `no answer within ${options.timeoutMs} ms`, method)),
        options.timeoutMs,
      );
    }
    let stream: http2.ClientHttp2Stream;
    try {
      stream = session.request(headers);
    } catch (error) {
      // A session that received GOAWAY or is closing refuses new streams synchronously.
      this.finish(new GrpcError(GrpcCode.UNAVAILABLE, `cannot start a call: ${(error as Error).message}`, method, { cause: error }));
      return;
    }
    this.stream = stream;
    options.signal?.addEventListener("abort", this.onAbort, { once: true });
    stream.on("response", (responseHeaders) => {
      this.responseHeaders = responseHeaders;
    });
    stream.on("trailers", (trailers) => {
      this.trailers = trailers;
    });
    stream.on("data", (chunk: Buffer) => {
      let messages: Uint8Array[];
      try {
        messages = this.decoder.push(chunk);
      } catch (error) {
        this.cancel(new GrpcError(GrpcCode.INTERNAL, (error as Error).message, method));
        return;
      }
      if (messages.length === 0) return;
      this.queue.push(...messages);
      if (this.queue.length >= highWater) stream.pause();
      this.notify();
    });
    // 'error' carries the reason for a reset; 'close' always follows and settles the call.
    stream.on("error", (error: Error) => {
      this.error ??= error;
    });
    stream.on("close", () => this.finish(this.statusAtClose()));
  }

  /**
   * Queues one serialized request message. Resolves once HTTP/2 has taken it, which waits for the
   * peer's flow-control window: awaiting each send bounds what we buffer. Never rejects; a failed
   * call shows in messages().
   */
  send(message: Uint8Array): Promise<void> {
    const stream = this.stream;
    if (!stream || this.finished || stream.writableEnded) return Promise.resolve();
    return new Promise((resolve) => stream.write(encodeMessage(message), () => resolve()));
  }

  /** Ends the request side (half-close). */
  end(): void {
    if (this.stream && !this.stream.writableEnded && !this.finished) this.stream.end();
  }

  /** Cancels the call on the server and fails it locally with `reason` (CANCELLED by default). */
  cancel(reason?: Error): void {
    if (this.finished) return;
    this.error = reason ?? new GrpcError(GrpcCode.CANCELLED, "cancelled", this.method);
    if (this.stream && !this.stream.closed) this.stream.close(NGHTTP2_CANCEL);
    else this.finish(this.error);
  }

  /**
   * The response messages, in order; throws the call's GrpcError after the last one if it failed.
   * Read it once: there is one queue per call.
   */
  async *messages(): AsyncGenerator<Uint8Array> {
    try {
      for (;;) {
        const next = this.queue.shift();
        if (next !== undefined) {
          if (this.queue.length < highWater / 4 && this.stream?.isPaused()) this.stream.resume();
          yield next;
          continue;
        }
        if (this.finished) {
          if (this.error) throw this.error;
          return;
        }
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    } finally {
      // A consumer that stops reading early does not want the rest: cancel instead of leaking.
      if (!this.finished) this.cancel();
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private statusAtClose(): Error | undefined {
    if (this.error instanceof GrpcError) return this.error;
    const status = statusFromHeaders(this.trailers ?? {}, this.method) ?? statusFromHeaders(this.responseHeaders ?? {}, this.method);
    if (status) {
      if (status.error) return status.error;
      if (this.decoder.hasPartialMessage) return new GrpcError(GrpcCode.INTERNAL, "the stream ended inside a message", this.method);
      return undefined;
    }
    // Node resets every open stream with CANCEL when the connection goes away; that is a lost
    // daemon (UNAVAILABLE), not a cancelled call.
    if (this.session.destroyed || this.session.closed) {
      const why = this.error?.message ?? "the connection closed";
      return new GrpcError(GrpcCode.UNAVAILABLE, `the connection to the server was lost: ${why}`, this.method, { cause: this.error });
    }
    const rst = this.stream?.rstCode;
    if (rst === NGHTTP2_CANCEL) return new GrpcError(GrpcCode.CANCELLED, "the server cancelled the call", this.method);
    if (rst === NGHTTP2_REFUSED_STREAM) return new GrpcError(GrpcCode.UNAVAILABLE, "the server refused the call", this.method);
    const httpStatus = Number(this.responseHeaders?.[":status"] ?? 0);
    if (httpStatus && httpStatus !== 200) {
      return new GrpcError(codeFromHttpStatus(httpStatus), `the server answered HTTP ${httpStatus}`, this.method);
    }
    const why = this.error?.message ?? (rst !== undefined && rst !== NGHTTP2_NO_ERROR ? `stream reset (HTTP/2 error ${rst})` : "no status");
    return new GrpcError(GrpcCode.UNAVAILABLE, `the call ended without a gRPC status: ${why}`, this.method, { cause: this.error });
  }

  private finish(error: Error | undefined): void {
    if (this.finished) return;
    this.finished = true;
    this.error = error;
    if (this.timer) clearTimeout(this.timer);
    this.options.signal?.removeEventListener("abort", this.onAbort);
    this.notify();
  }
}
