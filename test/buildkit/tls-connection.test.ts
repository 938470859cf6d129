/**
 * tcp:// daemons over TLS, against a TLS HTTP/2 server on loopback that answers Control/Info the
 * way buildkitd does (certificates made with openssl for the test): the server is verified with
 * the CA and server name we give, and a client certificate is presented.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http2 from "node:http2";
import type net from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { create, toBinary } from "@bufbuild/protobuf";
import { BuildkitClient } from "../../src/buildkit/client.js";
import type { TlsFiles } from "../../src/buildkit/connection/address.js";
import { InfoResponseSchema } from "../../src/gen/moby/buildkit/v1/control_pb.js";
import { EbuildError } from "../../src/errors.js";
import { answerUnary, refuseUnimplemented } from "../support/grpc-answer.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "ebuild-tls-"));
const file = (name: string) => path.join(dir, name);
const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });

function makeCertificates(): void {
  openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=ebuild test CA", "-keyout", "ca.key", "-out", "ca.pem");
  for (const [name, ext] of [
    ["server", "subjectAltName=DNS:buildkitd.test,IP:127.0.0.1\nextendedKeyUsage=serverAuth"],
    ["client", "extendedKeyUsage=clientAuth"],
  ] as const) {
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", `/CN=${name}`, "-keyout", `${name}.key`, "-out", `${name}.csr`);
    execFileSync("sh", ["-c", `printf '${ext}\\n' > ${name}.ext`], { cwd: dir });
    openssl("x509", "-req", "-in", `${name}.csr`, "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2", "-extfile", `${name}.ext`, "-out", `${name}.pem`);
  }
}

let server: http2.Http2SecureServer;
let port: number;
const version = "v0.13.2-tls-test";

before(async () => {
  makeCertificates();
  server = http2.createSecureServer({
    key: readFileSync(file("server.key")),
    cert: readFileSync(file("server.pem")),
    ca: readFileSync(file("ca.pem")),
    requestCert: true,
    rejectUnauthorized: true,
  });
  server.on("stream", (stream, headers) => {
    stream.on("error", () => {});
    if (headers[":path"] !== "/moby.buildkit.v1.Control/Info") return refuseUnimplemented(stream);
    answerUnary(stream, toBinary(InfoResponseSchema, create(InfoResponseSchema, { buildkitVersion: { package: "github.com/moby/buildkit", version } })));
  });
  server.on("tlsClientError", () => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as net.AddressInfo).port;
});
after(() => {
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const good = (): TlsFiles => ({ caFile: file("ca.pem"), certFile: file("client.pem"), keyFile: file("client.key"), serverName: "buildkitd.test" });

test("a tcp:// daemon with CA, client certificate and server name answers over TLS", async () => {
  for (const tls of [good(), { ...good(), serverName: undefined }]) {
    const client = await BuildkitClient.connect({ buildkitHost: `tcp://127.0.0.1:${port}`, tls });
    try {
      assert.equal((await client.info()).buildkitVersion?.version, version);
    } finally {
      client.close();
    }
  }
});

const refused: Array<{ name: string; tls: () => TlsFiles; reason: RegExp }> = [
  { name: "a server certificate our CA did not sign", tls: () => ({ ...good(), caFile: undefined }), reason: /certificate/i },
  { name: "a server name the certificate does not carry", tls: () => ({ ...good(), serverName: "other.test" }), reason: /other\.test|altnames/i },
  { name: "no client certificate", tls: () => ({ caFile: file("ca.pem"), serverName: "buildkitd.test" }), reason: /requires a client certificate/ },
];
for (const r of refused) {
  test(`TLS with ${r.name} is refused as unreachable, naming the address`, async () => {
    await assert.rejects(BuildkitClient.connect({ buildkitHost: `tcp://127.0.0.1:${port}`, tls: r.tls(), timeoutMs: 2000 }), (error: unknown) => {
      assert.ok(error instanceof EbuildError, String(error));
      assert.equal(error.kind, "unreachable");
      assert.ok(error.message.includes(`tcp://127.0.0.1:${port}`), error.message);
      assert.match(error.message, r.reason);
      assert.match(error.hint ?? "", /TLS/);
      return true;
    });
  });
}

test("a TLS file that does not exist is a usage error naming it, not an unreachable daemon", async () => {
  const missing = file("missing-ca.pem");
  await assert.rejects(BuildkitClient.connect({ buildkitHost: `tcp://127.0.0.1:${port}`, tls: { ...good(), caFile: missing } }), (error: unknown) => {
    assert.ok(error instanceof EbuildError);
    assert.equal(error.kind, "usage");
    assert.equal(error.message, `cannot read the TLS CA certificate ${missing}: ENOENT`);
    return true;
  });
});
