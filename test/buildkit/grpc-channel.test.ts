/**
 * The gRPC client against a small gRPC server on loopback (node:http2), to pin down the wire
 * behaviour the daemon relies on: framing, metadata, status in trailers or headers, deadlines
 * and cancellation as RST_STREAM CANCEL.
 */
import assert from "node:assert/strict";
import http2 from "node:http2";
import net from "node:net";
import { after, before, test } from "node:test";
import { GrpcChannel } from "../../src/buildkit/grpc/channel.js";
import { encodeMessage, MessageDecoder } from "../../src/buildkit/grpc/framing.js";
import { GrpcCode, GrpcError, grpcCodeName } from "../../src/buildkit/grpc/status.js";

type Handler = (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, messages: AsyncIterable<Uint8Array>) => void;
const handlers = new Map<string, Handler>();
const resets = new Map<string, number>();
let server: http2.Http2Server;
let port: number;
const text = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array) => new TextDecoder().decode(b);

async function* requestMessages(stream: http2.ServerHttp2Stream): AsyncGenerator<Uint8Array> {
  const decoder = new MessageDecoder();
  for await (const chunk of stream) yield* decoder.push(chunk as Buffer);
}

function reply(stream: http2.ServerHttp2Stream, messages: Uint8Array[], trailers: http2.OutgoingHttpHeaders = { "grpc-status": "0" }) {
  stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
  stream.on("wantTrailers", () => stream.sendTrailers(trailers));
  for (const m of messages) stream.write(encodeMessage(m));
  stream.end();
}

before(async () => {
  server = http2.createServer();
  server.on("stream", (stream, headers) => {
    const path = String(headers[":path"]);
    stream.on("close", () => resets.set(path, stream.rstCode));
    stream.on("error", () => {});
    handlers.get(path)?.(stream, headers, requestMessages(stream));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as net.AddressInfo).port;

  handlers.set("/t.S/Echo", async (stream, headers, messages) => {
    const got: string[] = [];
    for await (const m of messages) got.push(str(m));
    reply(stream, [text(`${got.join("+")}|${headers["x-who"]}|${headers["grpc-timeout"] ?? ""}`)]);
  });
  handlers.set("/t.S/Fail", async (stream, _h, messages) => {
    for await (const _ of messages);
    reply(stream, [], { "grpc-status": String(GrpcCode.NOT_FOUND), "grpc-message": encodeURIComponent("no such ref: x/ü") });
  });
  handlers.set("/t.S/TrailersOnly", (stream) => {
    stream.respond({ ":status": 200, "content-type": "application/grpc", "grpc-status": "7", "grpc-message": "denied" }, { endStream: true });
  });
  handlers.set("/t.S/Count", async (stream, _h, messages) => {
    for await (const _ of messages);
    reply(stream, [text("1"), text("2"), text("3")]);
  });
  handlers.set("/t.S/Hang", (stream) => {
    stream.respond({ ":status": 200, "content-type": "application/grpc" });
  });
  handlers.set("/t.S/Bidi", async (stream, _h, messages) => {
    stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
    stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
    for await (const m of messages) stream.write(encodeMessage(text(`echo:${str(m)}`)));
    stream.end();
  });
  handlers.set("/t.S/NotGrpc", (stream) => {
    stream.respond({ ":status": 404 }, { endStream: true });
  });
  handlers.set("/t.S/Drop", (stream) => {
    stream.respond({ ":status": 200, "content-type": "application/grpc" });
    stream.session?.destroy();
  });
});
after(() => server.close());

async function channel(): Promise<GrpcChannel> {
  return GrpcChannel.open(net.connect({ host: "127.0.0.1", port }));
}

test("a unary call sends the request and metadata and returns the response", async () => {
  const ch = await channel();
  try {
    const response = await ch.unary("/t.S/Echo", text("hi"), { metadata: { "x-who": "ebuild" }, timeoutMs: 5000 });
    assert.equal(str(response), "hi|ebuild|5000m");
  } finally {
    ch.close();
  }
});

const failures: Array<{ path: string; code: GrpcCode; message: string }> = [
  { path: "/t.S/Fail", code: GrpcCode.NOT_FOUND, message: "no such ref: x/ü" },
  { path: "/t.S/TrailersOnly", code: GrpcCode.PERMISSION_DENIED, message: "denied" },
  { path: "/t.S/NotGrpc", code: GrpcCode.UNIMPLEMENTED, message: "the server answered HTTP 404" },
  { path: "/t.S/Drop", code: GrpcCode.UNAVAILABLE, message: "the connection to the server was lost" },
];
for (const f of failures) {
  test(`${f.path} fails with ${grpcCodeName(f.code)} and the server's message`, async () => {
    const ch = await channel();
    try {
      await assert.rejects(ch.unary(f.path, text("x")), (error: unknown) => {
        assert.ok(error instanceof GrpcError, String(error));
        assert.equal(error.code, f.code);
        assert.ok(error.message.startsWith(f.message), error.message);
        assert.equal(error.method, f.path);
        return true;
      });
    } finally {
      ch.close();
    }
  });
}

test("a server stream yields every message in order", async () => {
  const ch = await channel();
  try {
    const got: string[] = [];
    for await (const m of ch.serverStream("/t.S/Count", text(""))) got.push(str(m));
    assert.deepEqual(got, ["1", "2", "3"]);
  } finally {
    ch.close();
  }
});

test("a bidi call interleaves sends and receives", async () => {
  const ch = await channel();
  try {
    const call = ch.call("/t.S/Bidi");
    const received = call.messages();
    await call.send(text("a"));
    assert.equal(str((await received.next()).value as Uint8Array), "echo:a");
    await call.send(text("b"));
    assert.equal(str((await received.next()).value as Uint8Array), "echo:b");
    call.end();
    assert.equal((await received.next()).done, true);
  } finally {
    ch.close();
  }
});

test("a deadline fails the call with DEADLINE_EXCEEDED and resets the stream", async () => {
  const ch = await channel();
  try {
    await assert.rejects(ch.unary("/t.S/Hang", text(""), { timeoutMs: 100 }), (e: unknown) => e instanceof GrpcError && e.code === GrpcCode.DEADLINE_EXCEEDED);
  } finally {
    ch.close();
  }
});

test("aborting a call fails it with CANCELLED and the server sees RST_STREAM CANCEL", async () => {
  const ch = await channel();
  try {
    const abort = new AbortController();
    const pending = ch.unary("/t.S/Hang", text(""), { signal: abort.signal });
    setImmediate(() => abort.abort());
    await assert.rejects(pending, (e: unknown) => e instanceof GrpcError && e.code === GrpcCode.CANCELLED);
    for (let i = 0; i < 50 && !resets.has("/t.S/Hang"); i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(resets.get("/t.S/Hang"), http2.constants.NGHTTP2_CANCEL);
  } finally {
    ch.close();
  }
});

test("a call on a closed channel fails with UNAVAILABLE", async () => {
  const ch = await channel();
  ch.close();
  await assert.rejects(ch.unary("/t.S/Echo", text("x")), (e: unknown) => e instanceof GrpcError && e.code === GrpcCode.UNAVAILABLE);
});
