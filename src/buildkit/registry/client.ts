/**
 * A small client of the OCI distribution API, for what neither Docker Engine nor its BuildKit can
 * do: read a manifest and put a manifest list (an image index) together from images already
 * pushed. Auth follows the registry's `WWW-Authenticate` challenge: `Basic` with the Docker
 * config's credentials, or `Bearer`, where a token is fetched from the realm it names (with basic
 * credentials, or an identity token as an OAuth refresh token) for `repository:NAME:pull,push`.
 */
import { createHash } from "node:crypto";
import { EbuildError } from "../../errors.js";
import type { Credentials } from "../credentials/index.js";

/** Media types of manifests and manifest lists. */
export const mediaTypes = {
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerList: "application/vnd.docker.distribution.manifest.list.v2+json",
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociIndex: "application/vnd.oci.image.index.v1+json",
} as const;

const acceptManifests = Object.values(mediaTypes).join(", ");

/** A manifest as the registry holds it: its bytes, their digest and media type. */
export interface FetchedManifest {
  mediaType: string;
  digest: string;
  size: number;
  bytes: Uint8Array;
}

export interface RegistryClientOptions {
  /** The Docker config's credentials for this registry; undefined: anonymous. */
  credentials?: Credentials | undefined;
  /** Plain HTTP (`SAVE IMAGE --insecure`); loopback registries always use it, as Docker does. */
  insecure?: boolean | undefined;
  signal?: AbortSignal | undefined;
}

/** One registry host and one repository on it. */
export class RegistryClient {
  readonly #base: string;
  #authorization: string | undefined;

  constructor(
    readonly host: string,
    readonly repository: string,
    private readonly options: RegistryClientOptions = {},
  ) {
    const plain = options.insecure === true || isLoopback(host);
    this.#base = `${plain ? "http" : "https"}://${host}`;
  }

  /** The manifest (or manifest list) `reference` (a tag or digest) names. */
  async manifest(reference: string): Promise<FetchedManifest> {
    const response = await this.#send("GET", `/v2/${this.repository}/manifests/${reference}`, { accept: acceptManifests });
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (!response.ok) throw this.#failure(`reading manifest ${reference}`, response.status, bytes);
    const digest = sha256Digest(bytes);
    const mediaType = response.headers.get("content-type")?.split(";")[0]?.trim() || mediaTypeOf(bytes);
    return { mediaType, digest, size: bytes.length, bytes };
  }

  /** Puts `bytes` as the manifest `reference` (a tag); resolves to the digest the registry stored. */
  async putManifest(reference: string, mediaType: string, bytes: Uint8Array): Promise<string> {
    const response = await this.#send("PUT", `/v2/${this.repository}/manifests/${reference}`, { "content-type": mediaType }, bytes);
    const answer = new Uint8Array(await response.arrayBuffer());
    if (!response.ok) throw this.#failure(`putting manifest ${reference}`, response.status, answer);
    return response.headers.get("docker-content-digest") ?? sha256Digest(bytes);
  }

  /** Sends a request, answering one auth challenge when the registry asks for it. */
  async #send(method: string, path: string, headers: Record<string, string>, body?: Uint8Array): Promise<Response> {
    const attempt = () =>
      this.#fetch(`${this.#base}${path}`, {
        method,
        headers: { ...headers, ...(this.#authorization === undefined ? {} : { authorization: this.#authorization }) },
        ...(body === undefined ? {} : { body }),
      });
    const first = await attempt();
    if (first.status !== 401) return first;
    await first.arrayBuffer();
    this.#authorization = await this.#answer(first.headers.get("www-authenticate") ?? "");
    return attempt();
  }

  async #fetch(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, { ...init, ...(this.options.signal ? { signal: this.options.signal } : {}) });
    } catch (error) {
      if (this.options.signal?.aborted) throw new EbuildError("cancelled", `the request to ${this.host} was cancelled`, { cause: error });
      throw new EbuildError("build", `the registry ${this.host} did not answer: ${((error as Error).cause as Error | undefined)?.message ?? (error as Error).message}`, { cause: error });
    }
  }

  /** The Authorization value that answers a challenge. */
  async #answer(challenge: string): Promise<string> {
    const { scheme, params } = parseChallenge(challenge);
    const credentials = this.options.credentials;
    if (scheme === "basic") {
      if (credentials === undefined || credentials.username === "") throw this.#denied("it wants a user name and password");
      return `Basic ${Buffer.from(`${credentials.username}:${credentials.secret}`).toString("base64")}`;
    }
    if (scheme !== "bearer" || params.realm === undefined) throw this.#denied(`it asks for "${challenge}", which ebuild cannot answer`);
    const scope = `repository:${this.repository}:pull,push`;
    const token = await this.#token(params.realm, params.service, scope, credentials);
    return `Bearer ${token}`;
  }

  /** A bearer token from the realm: GET with basic credentials, or POST an identity token. */
  async #token(realm: string, service: string | undefined, scope: string, credentials: Credentials | undefined): Promise<string> {
    let response: Response;
    if (credentials !== undefined && credentials.username === "") {
      const form = new URLSearchParams({ grant_type: "refresh_token", refresh_token: credentials.secret, client_id: "ebuild", scope, ...(service ? { service } : {}) });
      response = await this.#fetch(realm, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: form.toString() });
    } else {
      const url = new URL(realm);
      if (service) url.searchParams.set("service", service);
      url.searchParams.set("scope", scope);
      const headers: Record<string, string> = credentials === undefined ? {} : { authorization: `Basic ${Buffer.from(`${credentials.username}:${credentials.secret}`).toString("base64")}` };
      response = await this.#fetch(url.toString(), { headers });
    }
    const text = await response.text();
    if (!response.ok) throw this.#denied(`its token service answered ${response.status}`);
    const answer = JSON.parse(text) as { token?: string; access_token?: string };
    const token = answer.token ?? answer.access_token;
    if (token === undefined || token === "") throw this.#denied("its token service gave no token");
    return token;
  }

  #denied(why: string): EbuildError {
    return new EbuildError("build", `the registry ${this.host} refused ebuild: ${why}`, {
      hint: `check the credentials for ${this.host} ("docker login ${this.host}" writes them to the Docker config)`,
    });
  }

  #failure(what: string, status: number, body: Uint8Array): EbuildError {
    const text = new TextDecoder().decode(body).trim();
    let message = text.slice(0, 300);
    try {
      const errors = (JSON.parse(text) as { errors?: Array<{ code?: string; message?: string }> }).errors ?? [];
      if (errors.length > 0) message = errors.map((e) => [e.code, e.message].filter(Boolean).join(": ")).join("; ");
    } catch {
      // Not JSON: the text itself.
    }
    return new EbuildError("build", `${what} of ${this.host}/${this.repository} failed (${status})${message ? `: ${message}` : ""}`, {
      ...(status === 401 || status === 403 ? { hint: `check the credentials for ${this.host}` } : {}),
    });
  }
}

/** `Bearer realm="…",service="…"` → the scheme (lower case) and its parameters. */
export function parseChallenge(header: string): { scheme: string; params: Record<string, string> } {
  const space = header.indexOf(" ");
  const scheme = (space < 0 ? header : header.slice(0, space)).trim().toLowerCase();
  const params: Record<string, string> = {};
  const rest = space < 0 ? "" : header.slice(space + 1);
  for (const match of rest.matchAll(/([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
    params[match[1]!.toLowerCase()] = match[2] !== undefined ? match[2].replace(/\\(.)/g, "$1") : (match[3] ?? "");
  }
  return { scheme, params };
}

/** Registries Docker talks plain HTTP to without being told: loopback addresses. */
function isLoopback(host: string): boolean {
  const name = host.startsWith("[") ? host.slice(1, host.indexOf("]")) : host.split(":")[0]!;
  return name === "localhost" || name === "::1" || /^127\./.test(name);
}

/** The content digest of manifest bytes, as registries address them. */
export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

function mediaTypeOf(bytes: Uint8Array): string {
  try {
    return (JSON.parse(new TextDecoder().decode(bytes)) as { mediaType?: string }).mediaType ?? mediaTypes.ociManifest;
  } catch {
    return mediaTypes.ociManifest;
  }
}
