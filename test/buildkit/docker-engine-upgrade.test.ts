/**
 * The Docker Engine dialer over tcp:// (DOCKER_HOST), against loopback HTTP servers: one that
 * upgrades POST /grpc to h2c the way dockerd does and then serves Control/Info on the same
 * socket, and one that does not know /grpc (an old or non-Docker server).
 */
import assert from "node:assert/strict";
import http from "node:http";
import http2 from "node:http2";
import type net from "node:net";
import { after, before, test } from "node:test";
import { create, toBinary } from "@bufbuild/protobuf";
import { BuildkitClient } from "../../src/buildkit/client.js";
import { InfoResponseSchema } from "../../src/gen/moby/buildkit/v1/control_pb.js";
import { EbuildError } from "../../src/errors.js";
import { answerUnary } from "../support/grpc-answer.js";

const upgrades: http.IncomingHttpHeaders[] = [];
let engine: http.Server;
let notDocker: http.Server;
const h2 = http2.createServer();
h2.on("stream", (stream) => {
  stream.on("error", () => {});
  answerUnary(stream, toBinary(InfoResponseSchema, create(InfoResponseSchema, { buildkitVersion: { version: "v0.13.2-upgraded" } })));
});

async function listen(server: http.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as net.AddressInfo).port;
}

let enginePort: number;
let notDockerPort: number;
before(async () => {
  engine = http.createServer((_req, res) => res.writeHead(404).end());
  engine.on("upgrade", (req: http.IncomingMessage, socket: net.Socket) => {
    upgrades.push(req.headers);
    // Like dockerd: the 101, then HTTP/2 on the same socket with the server's SETTINGS right away.
    socket.write("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n");
    h2.emit("connection", socket);
  });
  notDocker = http.createServer((_req, res) => res.writeHead(404, { "content-type": "text/plain" }).end("page not found"));
  enginePort = await listen(engine);
  notDockerPort = await listen(notDocker);
});
after(() => {
  engine.close();
  notDocker.close();
  h2.close();
});

test("DOCKER_HOST=tcp:// upgrades POST /grpc to h2c and speaks gRPC on the same socket", async () => {
  const client = await BuildkitClient.connect({ env: { DOCKER_HOST: `tcp://127.0.0.1:${enginePort}` } });
  try {
    assert.equal((await client.info()).buildkitVersion?.version, "v0.13.2-upgraded");
    assert.equal(upgrades.at(-1)?.upgrade, "h2c");
    assert.equal(upgrades.at(-1)?.connection, "Upgrade");
  } finally {
    client.close();
  }
});

test("a server that refuses the /grpc upgrade is reported with its answer and an upgrade hint", async () => {
  await assert.rejects(BuildkitClient.connect({ env: { DOCKER_HOST: `tcp://127.0.0.1:${notDockerPort}` } }), (error: unknown) => {
    assert.ok(error instanceof EbuildError);
    assert.equal(error.kind, "unreachable");
    assert.match(error.message, new RegExp(`at tcp://127.0.0.1:${notDockerPort}: the Docker API answered "HTTP/1.1 404 Not Found" to POST /grpc: page not found`));
    assert.match(error.hint ?? "", /does not serve BuildKit on \/grpc/);
    return true;
  });
});
