/**
 * Test helper: pushing an image from Docker's image store through the Engine API, the way buildx's
 * docker driver pushes (Docker 26's `moby` exporter ignores `push`). `POST /images/{name}/push`
 * with the credentials in the `X-Registry-Auth` header; the answer is a stream of JSON progress
 * lines, and a failed push is a line with `errorDetail` (the HTTP status is still 200).
 * A candidate for src/buildkit once the executor pushes images.
 */
import { request } from "node:http";
import type { EngineEndpoint } from "../../src/buildkit/connection/address.js";
import { dialTcp, dialUnix } from "../../src/buildkit/connection/socket.js";
import type { RegistryCredentials } from "../../src/buildkit/session/index.js";

/** Pushes `repository:tag` with `credentials` for `registryHost`; rejects with the Engine's error. */
export async function pushThroughEngine(
  engine: EngineEndpoint,
  image: { repository: string; tag: string; registryHost: string },
  credentials: RegistryCredentials | undefined,
): Promise<void> {
  const signal = AbortSignal.timeout(120_000);
  const socket = engine.kind === "unix" ? await dialUnix(engine.path, signal) : await dialTcp(engine.host, engine.port, engine.tls, signal);
  const auth = credentials ? { username: credentials.username, password: credentials.secret, serveraddress: image.registryHost } : {};
  const body = await new Promise<string>((resolve, reject) => {
    const req = request(
      {
        method: "POST",
        path: `/images/${image.repository}/push?tag=${encodeURIComponent(image.tag)}`,
        headers: { host: "docker", "x-registry-auth": registryAuthHeader(auth) },
        createConnection: () => socket,
        signal,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          if (response.statusCode !== 200) reject(new Error(`push refused (${response.statusCode}): ${text.trim()}`));
          else resolve(text);
        });
        response.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end();
  });
  socket.destroy();
  for (const line of body.split("\n")) {
    if (line.trim() === "") continue;
    const message = JSON.parse(line) as { errorDetail?: { message?: string }; error?: string };
    if (message.errorDetail || message.error) throw new Error(`push of ${image.repository}:${image.tag} failed: ${message.errorDetail?.message ?? message.error}`);
  }
}

/** Docker decodes X-Registry-Auth as URL-safe base64 WITH padding (Go's base64.URLEncoding). */
function registryAuthHeader(auth: object): string {
  return Buffer.from(JSON.stringify(auth)).toString("base64").replace(/\+/g, "-").replace(/\//g, "_");
}
