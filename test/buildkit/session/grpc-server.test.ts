import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import type { Attachable } from "../../../src/buildkit/session/attachable.js";
import { serveGrpc, type MethodHandler } from "../../../src/buildkit/session/grpc-server.js";
import { once } from "node:events";
import { connect, createServer, type AddressInfo } from "node:net";
import { startSession } from "./grpc-client.js";

const serving = (path: string, handler: MethodHandler): Attachable => ({ methods: new Map([[path, handler]]) });
const health = "/grpc.health.v1.Health/Check";

test("a call the daemon resets is aborted on our side, and the session keeps serving", async () => {
  let started!: () => void;
  const handlerStarted = new Promise<void>((resolve) => (started = resolve));
  let aborted!: (reason: unknown) => void;
  const handlerAborted = new Promise<unknown>((resolve) => (aborted = resolve));
  const session = startSession([
    serving("/test.Slow/Wait", async (call) => {
      call.signal.addEventListener("abort", () => aborted(call.signal.reason));
      started();
      await new Promise((resolve) => call.signal.addEventListener("abort", resolve));
    }),
  ]);
  try {
    const call = session.call("/test.Slow/Wait");
    call.send(new Uint8Array([1]));
    await handlerStarted;
    call.cancel();
    assert.match(String(await handlerAborted), /cancelled by the daemon/);
    assert.equal((await session.unary(health, new Uint8Array())).code, 0);
  } finally {
    await session.close();
  }
});

test("a daemon that stops reading stops us sending, and everything arrives once it reads again", async () => {
  const messages = 2000;
  const size = 64 * 1024;
  let sent = 0;
  let finished = false;
  const session = startSession([
    serving("/test.Flood/Send", async (call) => {
      const chunk = new Uint8Array(size).fill(7);
      for (let i = 0; i < messages; i++) {
        await call.send(chunk);
        sent++;
      }
      finished = true;
    }),
  ]);
  try {
    const call = session.call("/test.Flood/Send");
    call.end();
    // Let the sender run until it stalls; the check below does not depend on how long that takes.
    for (let last = -1; last !== sent; ) {
      last = sent;
      await sleep(50);
    }
    assert.ok(!finished);
    assert.ok(sent * size < 4 * 1024 * 1024, `sent ${sent} messages with nobody reading`);
    let received = 0;
    for await (const message of call.messages()) {
      assert.equal(message.length, size);
      received++;
    }
    assert.equal(received, messages);
    assert.equal((await call.status).code, 0);
    assert.ok(finished);
  } finally {
    await session.close();
  }
});

test("a handler's failure reaches the daemon as its status and message", async () => {
  const session = startSession([
    serving("/test.Fail/Now", async () => {
      throw new Error("disk full: ünïcode and 100% sure");
    }),
  ]);
  try {
    const answer = await session.unary("/test.Fail/Now", new Uint8Array());
    assert.deepEqual(answer, { code: 2, message: "disk full: ünïcode and 100% sure" });
  } finally {
    await session.close();
  }
});

test("a session closed in the same tick it started, with the daemon's bytes already buffered, ends without crashing", async () => {
  // Docker's POST /session hands over a socket that may already hold the daemon's first HTTP/2
  // bytes; a build that fails at once (a bad command line) closes the session before Node reads them.
  const preface = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
  const settings = Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]);
  const daemon = createServer((socket) => socket.end(Buffer.concat([preface, settings])));
  await new Promise<void>((resolve) => daemon.listen(0, "127.0.0.1", resolve));
  const { port } = daemon.address() as AddressInfo;
  try {
    for (let round = 0; round < 5; round++) {
      const connection = connect(port, "127.0.0.1");
      await once(connection, "readable");
      assert.ok(connection.readableLength > 0);
      const stop = new AbortController();
      const served = serveGrpc(connection, new Map(), { signal: stop.signal });
      stop.abort();
      await served;
    }
    // An exception in Node's own callbacks would have ended the test process before this line.
    await sleep(20);
  } finally {
    daemon.close();
  }
});
