/**
 * Test helper: the server side of one gRPC call on a raw HTTP/2 stream, for the loopback servers
 * that stand in for the daemon (or answer its health checks) in tests.
 */
import type { ServerHttp2Stream } from "node:http2";
import { encodeMessage } from "../../src/buildkit/grpc/framing.js";

/** Answers a unary call once its request has been read: `message` (serialized), then status OK. */
export function answerUnary(stream: ServerHttp2Stream, message: Uint8Array): void {
  stream.resume();
  stream.on("end", () => {
    stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
    stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
    stream.end(encodeMessage(message));
  });
}

/** Ends a call at once with UNIMPLEMENTED (12), as a server without the method does. */
export function refuseUnimplemented(stream: ServerHttp2Stream): void {
  stream.respond({ ":status": 200, "content-type": "application/grpc", "grpc-status": "12" }, { endStream: true });
}
