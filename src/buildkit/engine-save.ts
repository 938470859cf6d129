/**
 * Writing images from Docker's image store into a file through the Engine API (`docker save`):
 * Docker 26's built-in BuildKit has no `docker` or `oci` exporter, so `--output type=docker|oci`
 * exports into the store with `moby` and then streams `GET /images/get?names=…` into the file.
 * Since Docker Engine 25 that archive is both a docker archive (manifest.json, with the names as
 * RepoTags) and an OCI image layout (oci-layout, index.json), so one stream serves both types.
 */
import { createWriteStream } from "node:fs";
import { request, type IncomingMessage } from "node:http";
import { pipeline } from "node:stream/promises";
import { EbuildError } from "../errors.js";
import type { EngineEndpoint } from "./connection/address.js";
import { dialTcp, dialUnix } from "./connection/socket.js";
import { engineMessageOf } from "./engine-push.js";

/** Writes the images `names` (already in Docker's store) as one archive at `file`. */
export async function saveThroughEngine(engine: EngineEndpoint, names: readonly string[], file: string, signal?: AbortSignal): Promise<void> {
  const abort = signal ?? new AbortController().signal;
  const socket = engine.kind === "unix" ? await dialUnix(engine.path, abort) : await dialTcp(engine.host, engine.port, engine.tls, abort);
  const query = names.map((n) => `names=${encodeURIComponent(n)}`).join("&");
  try {
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = request(
        { method: "GET", path: `/images/get?${query}`, headers: { host: "docker", "user-agent": "ebuild" }, createConnection: () => socket, signal: abort },
        resolve,
      );
      req.on("error", reject);
      req.end();
    });
    if (response.statusCode !== 200) {
      let text = "";
      for await (const chunk of response) text += String(chunk);
      throw new EbuildError("build", `writing ${names.join(", ")} to ${file} failed: ${engineMessageOf(text) ?? "the Docker API refused it"}`);
    }
    await pipeline(response, createWriteStream(file), { signal: abort });
  } catch (error) {
    if (error instanceof EbuildError) throw error;
    if (abort.aborted) throw new EbuildError("cancelled", `writing ${file} was cancelled`, { cause: error });
    throw new EbuildError("build", `writing ${names.join(", ")} to ${file} failed: ${(error as Error).message}`, { cause: error });
  } finally {
    socket.destroy();
  }
}
