/**
 * The registry client against a small in-process registry: Bearer challenges answered with a
 * token from the realm (basic credentials, or an identity token as a refresh token), Basic
 * challenges answered directly, manifests read and a manifest list put together.
 */
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { after, before, test } from "node:test";
import { EbuildError } from "../../../src/errors.js";
import { mediaTypes, parseChallenge, RegistryClient, sha256Digest } from "../../../src/buildkit/registry/client.js";
import { manifestListOf, pushManifestList } from "../../../src/buildkit/registry/manifest-list.js";

interface Seen {
  method: string;
  url: string;
  authorization?: string | undefined;
  body: string;
}

const manifests = new Map<string, { type: string; bytes: Buffer }>();
const seen: Seen[] = [];
let mode: "bearer" | "basic" = "bearer";
let server: Server;
let host: string;

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    req.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
    req.on("end", () => resolve(text));
  });
}

before(async () => {
  server = createServer(async (req, res) => {
    const text = await body(req);
    seen.push({ method: req.method ?? "", url: req.url ?? "", authorization: req.headers.authorization, body: text });
    const url = new URL(req.url ?? "/", `http://${host}`);
    if (url.pathname === "/token") {
      const fromPassword = req.method === "GET" && req.headers.authorization === `Basic ${Buffer.from("ann:pw").toString("base64")}`;
      const fromRefresh = req.method === "POST" && new URLSearchParams(text).get("refresh_token") === "identity-token";
      res.writeHead(fromPassword || fromRefresh ? 200 : 401, { "content-type": "application/json" });
      res.end(JSON.stringify(fromPassword || fromRefresh ? { token: "tok-1" } : {}));
      return;
    }
    const wanted = mode === "bearer" ? "Bearer tok-1" : `Basic ${Buffer.from("ann:pw").toString("base64")}`;
    if (req.headers.authorization !== wanted) {
      const challenge = mode === "bearer" ? `Bearer realm="http://${host}/token",service="test-registry"` : `Basic realm="test"`;
      res.writeHead(401, { "www-authenticate": challenge, "content-type": "application/json" });
      res.end(JSON.stringify({ errors: [{ code: "UNAUTHORIZED", message: "authentication required" }] }));
      return;
    }
    const match = /^\/v2\/(.+)\/manifests\/(.+)$/.exec(url.pathname);
    if (match === null) {
      res.writeHead(404).end();
      return;
    }
    const key = `${match[1]}@${match[2]}`;
    if (req.method === "PUT") {
      const bytes = Buffer.from(text);
      manifests.set(key, { type: req.headers["content-type"] ?? "", bytes });
      manifests.set(`${match[1]}@${sha256Digest(bytes)}`, { type: req.headers["content-type"] ?? "", bytes });
      res.writeHead(201, { "docker-content-digest": sha256Digest(bytes) }).end();
      return;
    }
    const found = manifests.get(key);
    if (found === undefined) {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ errors: [{ code: "MANIFEST_UNKNOWN", message: "manifest unknown" }] }));
      return;
    }
    res.writeHead(200, { "content-type": found.type }).end(found.bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  host = `127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`;
});
after(() => server.close());

function child(arch: string): Buffer {
  return Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: mediaTypes.dockerManifest, config: { digest: `sha256:${arch.padEnd(64, "0")}` }, layers: [] }));
}

test("challenges are parsed into a scheme and parameters", () => {
  assert.deepEqual(parseChallenge(`Bearer realm="http://127.0.0.1:9/token",service="reg",scope="repository:a/b:pull"`), {
    scheme: "bearer",
    params: { realm: "http://127.0.0.1:9/token", service: "reg", scope: "repository:a/b:pull" },
  });
  assert.deepEqual(parseChallenge(`Basic realm="x"`), { scheme: "basic", params: { realm: "x" } });
});

test("a Bearer challenge is answered with a token fetched with the basic credentials for pull,push", async () => {
  mode = "bearer";
  manifests.set("team/app@1_linux_amd64", { type: mediaTypes.dockerManifest, bytes: child("amd64") });
  seen.length = 0;
  const client = new RegistryClient(host, "team/app", { credentials: { username: "ann", secret: "pw" } });
  const got = await client.manifest("1_linux_amd64");
  assert.equal(got.mediaType, mediaTypes.dockerManifest);
  assert.equal(got.digest, sha256Digest(child("amd64")));
  const token = seen.find((s) => s.url.startsWith("/token"));
  assert.ok(token, "the token service was asked");
  assert.equal(new URL(token.url, "http://x").searchParams.get("scope"), "repository:team/app:pull,push");
  assert.equal(new URL(token.url, "http://x").searchParams.get("service"), "test-registry");
});

test("an identity token is exchanged as an OAuth refresh token", async () => {
  mode = "bearer";
  manifests.set("team/app@2", { type: mediaTypes.dockerManifest, bytes: child("arm64") });
  seen.length = 0;
  const client = new RegistryClient(host, "team/app", { credentials: { username: "", secret: "identity-token" } });
  await client.manifest("2");
  const token = seen.find((s) => s.url.startsWith("/token"));
  assert.equal(token?.method, "POST");
  assert.equal(new URLSearchParams(token?.body).get("grant_type"), "refresh_token");
});

test("a Basic challenge is answered with the credentials; without any the refusal names the host", async () => {
  mode = "basic";
  manifests.set("team/app@3", { type: mediaTypes.dockerManifest, bytes: child("amd64") });
  assert.equal((await new RegistryClient(host, "team/app", { credentials: { username: "ann", secret: "pw" } }).manifest("3")).size, child("amd64").length);
  await assert.rejects(new RegistryClient(host, "team/app").manifest("3"), (error: unknown) => error instanceof EbuildError && error.message.includes(host) && /docker login/.test(error.hint ?? ""));
  const wrong = new RegistryClient(host, "team/app", { credentials: { username: "ann", secret: "nope" } });
  await assert.rejects(wrong.manifest("3"), /\(401\): UNAUTHORIZED: authentication required/);
});

test("a manifest list of Docker manifests is Docker's list, and names each child with its platform", async () => {
  mode = "bearer";
  manifests.set("team/app@9_linux_amd64", { type: mediaTypes.dockerManifest, bytes: child("amd64") });
  manifests.set("team/app@9_linux_arm64", { type: mediaTypes.dockerManifest, bytes: child("arm64") });
  const digest = await pushManifestList(
    `${host}/team/app:9`,
    [
      { name: `${host}/team/app:9_linux_amd64`, platform: { os: "linux", architecture: "amd64" } },
      { name: `${host}/team/app:9_linux_arm64`, platform: { os: "linux", architecture: "arm64" } },
    ],
    { credentials: { username: "ann", secret: "pw" } },
  );
  const stored = manifests.get("team/app@9")!;
  assert.equal(digest, sha256Digest(stored.bytes));
  assert.equal(stored.type, mediaTypes.dockerList);
  const list = JSON.parse(stored.bytes.toString("utf8")) as { manifests: Array<{ digest: string; size: number; platform: { architecture: string } }> };
  assert.deepEqual(list.manifests.map((m) => [m.platform.architecture, m.digest, m.size]), [
    ["amd64", sha256Digest(child("amd64")), child("amd64").length],
    ["arm64", sha256Digest(child("arm64")), child("arm64").length],
  ]);
});

test("a list with an OCI child is an OCI image index; a variant is kept", () => {
  const oci = { mediaType: mediaTypes.ociManifest, digest: "sha256:1", size: 1, bytes: new Uint8Array() };
  const docker = { ...oci, mediaType: mediaTypes.dockerManifest };
  const list = manifestListOf([
    { manifest: docker, platform: { os: "linux", architecture: "amd64" } },
    { manifest: oci, platform: { os: "linux", architecture: "arm", variant: "v7" } },
  ]);
  assert.equal(list.mediaType, mediaTypes.ociIndex);
  const parsed = JSON.parse(new TextDecoder().decode(list.bytes)) as { manifests: Array<{ platform: Record<string, string> }> };
  assert.deepEqual(parsed.manifests[1]!.platform, { architecture: "arm", os: "linux", variant: "v7" });
});

test("a manifest list for the default registry is refused with advice", async () => {
  await assert.rejects(pushManifestList("team/app:1", [{ name: "team/app:1_linux_amd64", platform: { os: "linux", architecture: "amd64" } }]), (error: unknown) => error instanceof EbuildError && error.kind === "usage" && /default registry/.test(error.message));
});
