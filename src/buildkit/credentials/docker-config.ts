/**
 * Reading Docker's client config (`config.json`) the way the docker CLI does: where it lives, how its
 * `auths` keys name registries, and which credential helper (if any) owns a registry.
 */
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { EbuildError } from "../../errors.js";

/** One `auths` entry, as `docker login` writes it (or as people write it by hand). */
export interface DockerAuthEntry {
  /** base64 of `username:password`. */
  auth?: string;
  username?: string;
  password?: string;
  /** An OAuth refresh token the registry's token server accepts instead of a password. */
  identitytoken?: string;
}

/** The parts of `config.json` that decide credentials. */
export interface DockerConfig {
  /** Where it was read from, for messages. */
  path: string;
  auths: Record<string, DockerAuthEntry>;
  /** Per-registry helpers: `docker-credential-<name>`. */
  credHelpers: Record<string, string>;
  /** The helper for every registry without its own. */
  credsStore: string | undefined;
}

/** Docker Hub's key in `auths`: `docker login` without a server writes it, BuildKit asks for it. */
export const dockerHubKey = "https://index.docker.io/v1/";

// The names Docker Hub goes by: BuildKit asks for the first; people write the others.
const dockerHubHosts = new Set(["registry-1.docker.io", "index.docker.io", "docker.io"]);

/** `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`, as the docker CLI picks it. */
export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.DOCKER_CONFIG;
  if (dir !== undefined && dir !== "") return join(dir, "config.json");
  const home = env.HOME !== undefined && env.HOME !== "" ? env.HOME : homedir();
  return join(home, ".docker", "config.json");
}

/**
 * The host part of a registry name as it appears in a config key or a request: the scheme and any
 * path are dropped (`https://host:5000/v2/` → `host:5000`), and Docker Hub's aliases become one.
 */
export function registryHost(name: string): string {
  let host = name.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, "");
  const slash = host.indexOf("/");
  if (slash >= 0) host = host.slice(0, slash);
  host = host.toLowerCase();
  return dockerHubHosts.has(host) ? "index.docker.io" : host;
}

/** The server address Docker itself uses for a registry: Docker Hub's URL, or the plain host. */
export function serverAddress(host: string): string {
  const plain = registryHost(host);
  return plain === "index.docker.io" ? dockerHubKey : plain;
}

/** The value of `record` whose key names the same registry as `host` (an exact key wins). */
export function entryFor<T>(record: Record<string, T>, host: string): T | undefined {
  if (Object.hasOwn(record, host)) return record[host];
  const wanted = registryHost(host);
  for (const [key, value] of Object.entries(record)) {
    if (registryHost(key) === wanted) return value;
  }
  return undefined;
}

function invalid(path: string, what: string): EbuildError {
  return new EbuildError("build", `the Docker config ${path} is not valid: ${what}`, {
    hint: "fix or remove that file, or point DOCKER_CONFIG at another folder",
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stringRecord(value: unknown, path: string, field: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw invalid(path, `"${field}" must be an object`);
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== "string") throw invalid(path, `"${field}.${key}" must be a string`);
    out[key] = v;
  }
  return out;
}

function authRecord(value: unknown, path: string): Record<string, DockerAuthEntry> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw invalid(path, `"auths" must be an object`);
  const out: Record<string, DockerAuthEntry> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (!isObject(entry)) throw invalid(path, `"auths.${key}" must be an object`);
    const picked: DockerAuthEntry = {};
    for (const field of ["auth", "username", "password", "identitytoken"] as const) {
      const v = entry[field];
      if (v === undefined || v === null) continue;
      // Never echo the value: it may be a secret.
      if (typeof v !== "string") throw invalid(path, `"auths.${key}.${field}" must be a string`);
      picked[field] = v;
    }
    out[key] = picked;
  }
  return out;
}

/** Parses a config file's text; `path` is only used in messages. */
export function parseDockerConfig(text: string, path: string): DockerConfig {
  let raw: unknown;
  try {
    raw = text.trim() === "" ? {} : JSON.parse(text);
  } catch {
    // The parser's message quotes the text around the error, which may hold a secret.
    throw invalid(path, "it is not JSON");
  }
  if (!isObject(raw)) throw invalid(path, "the top level must be an object");
  const credsStore = raw.credsStore;
  if (credsStore !== undefined && credsStore !== null && typeof credsStore !== "string") {
    throw invalid(path, `"credsStore" must be a string`);
  }
  return {
    path,
    auths: authRecord(raw.auths, path),
    credHelpers: stringRecord(raw.credHelpers, path, "credHelpers"),
    credsStore: typeof credsStore === "string" && credsStore !== "" ? credsStore : undefined,
  };
}

/** Reads the config at `path`; a missing file is an empty config, as for the docker CLI. */
export async function readDockerConfig(path: string): Promise<DockerConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      return { path, auths: {}, credHelpers: {}, credsStore: undefined };
    }
    throw new EbuildError("build", `cannot read the Docker config ${path}`, { cause: error });
  }
  return parseDockerConfig(text, path);
}

/** The helper name that owns `host`: its own `credHelpers` entry, else `credsStore`. */
export function helperFor(config: DockerConfig, host: string): string | undefined {
  const own = entryFor(config.credHelpers, host);
  if (own !== undefined && own !== "") return own;
  return config.credsStore;
}
