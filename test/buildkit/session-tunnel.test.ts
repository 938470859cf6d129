/**
 * The session tunnel's byte stream, against a loopback server that stands in for the daemon's end
 * of Control.Session and echoes every BytesMessage back: the session metadata arrives as BuildKit
 * reads it, bytes cross intact in both directions, and ending or destroying the Duplex ends the
 * call. (The real daemon opening the tunnel is tested in test/integration/session-tunnel.test.ts.)
 */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import http2 from "node:http2";
import type net from "node:net";
import { after, before, test } from "node:test";
import { BuildkitClient } from "../../src/buildkit/client.js";
import { encodeMessage, MessageDecoder } from "../../src/buildkit/grpc/framing.js";
import { openSessionTunnel } from "../../src/buildkit/session-tunnel.js";

let server: http2.Http2Server;
let port: number;
const seen: http2.IncomingHttpHeaders[] = [];
const closed: Array<{ rstCode: number }> = [];

before(async () => {
  server = http2.createServer();
  server.on("stream", (stream, headers) => {
    seen.push(headers);
    stream.on("error", () => {});
    stream.on("close", () => closed.push({ rstCode: stream.rstCode }));
    stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
    stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
    const decoder = new MessageDecoder();
    // BytesMessage bytes are echoed unchanged: the echo is itself a valid BytesMessage.
    stream.on("data", (chunk: Buffer) => {
      for (const message of decoder.push(chunk)) if (!stream.write(encodeMessage(message))) stream.pause();
    });
    stream.on("drain", () => stream.resume());
    stream.on("end", () => stream.end());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as net.AddressInfo).port;
});
after(() => server.close());

const options = { sessionId: "s1", name: "ctx", sharedKey: "key1", methods: ["/moby.filesync.v1.FileSync/DiffCopy", "/grpc.health.v1.Health/Check"] };

test("the tunnel announces the session with BuildKit's headers, one per served method", async () => {
  const client = await BuildkitClient.connect({ buildkitHost: `tcp://127.0.0.1:${port}` });
  try {
    const tunnel = openSessionTunnel(client, options);
    tunnel.write("x");
    await new Promise((resolve) => tunnel.once("data", resolve));
    const headers = seen.at(-1)!;
    assert.equal(headers[":path"], "/moby.buildkit.v1.Control/Session");
    assert.equal(headers["x-docker-expose-session-uuid"], "s1");
    assert.equal(headers["x-docker-expose-session-name"], "ctx");
    assert.equal(headers["x-docker-expose-session-sharedkey"], "key1");
    // node joins repeated header fields with ", " when reading them back.
    assert.equal(headers["x-docker-expose-session-grpc-method"], options.methods.join(", "));
    tunnel.destroy();
  } finally {
    client.close();
  }
});

test("32 MiB cross the tunnel both ways intact, and ending it ends the call", async () => {
  const client = await BuildkitClient.connect({ buildkitHost: `tcp://127.0.0.1:${port}` });
  try {
    const tunnel = openSessionTunnel(client, options);
    const sent = createHash("sha256");
    const received = createHash("sha256");
    let receivedBytes = 0;
    const done = new Promise<void>((resolve, reject) => {
      tunnel.on("data", (chunk: Buffer) => {
        received.update(chunk);
        receivedBytes += chunk.length;
      });
      tunnel.on("end", resolve);
      tunnel.on("error", reject);
    });
    const total = 32 << 20;
    for (let offset = 0; offset < total; offset += 1 << 16) {
      const chunk = randomBytes(1 << 16);
      sent.update(chunk);
      if (!tunnel.write(chunk)) await new Promise((resolve) => tunnel.once("drain", resolve));
    }
    tunnel.end();
    await done;
    assert.equal(receivedBytes, total);
    assert.equal(received.digest("hex"), sent.digest("hex"));
  } finally {
    client.close();
  }
});

test("destroying the tunnel cancels the Session call", async () => {
  const client = await BuildkitClient.connect({ buildkitHost: `tcp://127.0.0.1:${port}` });
  try {
    const before = closed.length;
    const tunnel = openSessionTunnel(client, options);
    tunnel.write("x");
    await new Promise((resolve) => tunnel.once("data", resolve));
    tunnel.destroy();
    for (let i = 0; i < 100 && closed.length === before; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(closed.at(-1)?.rstCode, http2.constants.NGHTTP2_CANCEL);
  } finally {
    client.close();
  }
});
