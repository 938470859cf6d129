/**
 * Pushing an image from Docker's image store through the Engine API, the way buildx's docker
 * driver pushes: Docker 26's `moby` exporter ignores `push=true`, so `SAVE IMAGE --push` images go
 * to the registry by `POST /images/{name}/push?tag=…` with the credentials in `X-Registry-Auth`.
 * The answer is a stream of JSON progress lines; a failed push is a line with `error` (the HTTP
 * status is still 200).
 */
import { EbuildError } from "../errors.js";
import type { EngineEndpoint } from "./connection/address.js";
import { engineCall } from "./engine-api.js";
import { registryAuthHeader, registryAuthValue, type Credentials } from "./credentials/index.js";

/** An image name split the way the push endpoint wants it. */
export interface PushTarget {
  /** `host:5000/team/app` (everything before the tag). */
  repository: string;
  tag: string;
  /** The registry the name points at: `host:5000`, or `docker.io` for short names. */
  registryHost: string;
}

/** Splits `host:5000/team/app:1.2` into repository, tag (default `latest`) and registry host. */
export function pushTargetOf(name: string): PushTarget {
  const withoutDigest = name.split("@", 1)[0]!;
  const lastSlash = withoutDigest.lastIndexOf("/");
  const colon = withoutDigest.lastIndexOf(":");
  const hasTag = colon > lastSlash;
  const repository = hasTag ? withoutDigest.slice(0, colon) : withoutDigest;
  const tag = hasTag ? withoutDigest.slice(colon + 1) : "latest";
  const first = repository.split("/", 1)[0]!;
  // Docker's rule: the first part is a registry only when it looks like a host.
  const isHost = repository.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
  return { repository, tag, registryHost: isHost ? first : "docker.io" };
}

export interface EnginePushOptions {
  /** Finds the credentials for a registry host (undefined: push anonymously). */
  credentials?: ((host: string) => Promise<Credentials | undefined>) | undefined;
  signal?: AbortSignal | undefined;
}

/** Pushes `name` (already in Docker's image store) to its registry; throws EbuildError("build") on failure. */
export async function pushThroughEngine(engine: EngineEndpoint, name: string, options: EnginePushOptions = {}): Promise<void> {
  const target = pushTargetOf(name);
  const credentials = await options.credentials?.(target.registryHost);
  const signal = options.signal ?? new AbortController().signal;
  let body: string;
  let status: number;
  try {
    ({ status, body } = await engineCall(engine, "POST", `/images/${encodeURIComponent(target.repository)}/push?tag=${encodeURIComponent(target.tag)}`, {
      headers: { [registryAuthHeader]: registryAuthValue(target.registryHost, credentials) },
      signal,
    }));
  } catch (error) {
    if (signal.aborted) throw new EbuildError("cancelled", `the push of ${name} was cancelled`, { cause: error });
    throw new EbuildError("build", `pushing ${name} failed: ${(error as Error).message}`, { cause: error });
  }
  const failure = status === 200 ? streamError(body) : messageOf(body);
  if (failure !== undefined) {
    throw new EbuildError("build", `pushing ${name} failed: ${failure}`, { hint: pushHint(failure, target.registryHost) });
  }
}

/** What to do about a refused push: log in, or bring the registry back. */
function pushHint(failure: string, registryHost: string): string | undefined {
  if (/unauthorized|authentication required|denied|no basic auth/i.test(failure)) {
    return `check the credentials for ${registryHost} ("docker login ${registryHost}" writes them to the Docker config)`;
  }
  if (/connection refused|connection reset|no such host|i\/o timeout|broken pipe|EOF/i.test(failure)) {
    return `the registry ${registryHost} did not answer the Docker daemon: check that it runs and that the daemon can reach it`;
  }
  return undefined;
}

/** The first error message of the Engine's JSON progress stream, if any. */
function streamError(body: string): string | undefined {
  for (const line of body.split("\n")) {
    if (line.trim() === "") continue;
    try {
      const message = JSON.parse(line) as { error?: string; errorDetail?: { message?: string } };
      if (message.error !== undefined || message.errorDetail !== undefined) return message.errorDetail?.message ?? message.error;
    } catch {
      // A torn line is progress, never an error report.
    }
  }
  return undefined;
}

function messageOf(body: string): string {
  return engineMessageOf(body) ?? "the Docker API refused the push";
}

/** The `message` of an Engine API error answer, else its text (undefined when empty). */
export function engineMessageOf(body: string): string | undefined {
  try {
    const message = (JSON.parse(body) as { message?: unknown }).message;
    if (typeof message === "string") return message;
  } catch {
    // Not JSON: the text itself.
  }
  return body.trim().slice(0, 300) || undefined;
}
