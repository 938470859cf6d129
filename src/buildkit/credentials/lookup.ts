/**
 * Registry credentials from the user's Docker config, resolved the way `docker` and BuildKit's own
 * client resolve them, so that `docker login` is all a user has to do before `ebuild --push`.
 */
import { EbuildError } from "../../errors.js";
import {
  dockerConfigPath,
  entryFor,
  helperFor,
  readDockerConfig,
  serverAddress,
  type DockerAuthEntry,
  type DockerConfig,
} from "./docker-config.js";
import { runCredentialHelper } from "./helper.js";

/**
 * What BuildKit's auth session answers for a host. An empty `username` means `secret` is an
 * identity (refresh) token rather than a password, exactly as in BuildKit's CredentialsResponse.
 */
export interface Credentials {
  username: string;
  secret: string;
}

export interface LookupOptions {
  /** Environment: `DOCKER_CONFIG`, `HOME` and the PATH for credential helpers. */
  env?: NodeJS.ProcessEnv;
  /** An already read config; by default the one `env` points at is read. */
  config?: DockerConfig;
  /** Time a credential helper gets before it is killed. */
  helperTimeoutMs?: number;
}

// Docker's helpers mark an identity token with this user name.
const tokenUsername = "<token>";

/** Credentials from an `auths` entry; undefined when it holds none. */
export function credentialsFromEntry(entry: DockerAuthEntry, host: string, path: string): Credentials | undefined {
  let username = entry.username ?? "";
  let password = entry.password ?? "";
  if (entry.auth !== undefined && entry.auth !== "") {
    const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon <= 0) {
      // Never quote the value: it is the secret.
      throw new EbuildError("build", `the "auth" for ${host} in ${path} is not base64 of "user:password"`, {
        hint: `log in again with: docker login ${host}`,
      });
    }
    username = decoded.slice(0, colon);
    password = decoded.slice(colon + 1);
  }
  if (entry.identitytoken !== undefined && entry.identitytoken !== "") {
    return { username: "", secret: entry.identitytoken };
  }
  if (username === "" && password === "") return undefined;
  return { username, secret: password };
}

/**
 * The credentials for a registry host (`127.0.0.1:5000`, `registry-1.docker.io`, or any `auths` key
 * form such as `https://host/v1/`), or undefined when the config holds none.
 * A host with a credential helper (`credHelpers`, else `credsStore`) is answered by that helper
 * alone, as the docker CLI does; otherwise by its `auths` entry.
 */
export async function lookup(host: string, options: LookupOptions = {}): Promise<Credentials | undefined> {
  const env = options.env ?? process.env;
  const config = options.config ?? (await readDockerConfig(dockerConfigPath(env)));
  const helper = helperFor(config, host);
  if (helper !== undefined) {
    const found = await runCredentialHelper(helper, serverAddress(host), {
      env,
      ...(options.helperTimeoutMs === undefined ? {} : { timeoutMs: options.helperTimeoutMs }),
    });
    if (found === undefined) return undefined;
    if (found.username === tokenUsername) return { username: "", secret: found.secret };
    return found;
  }
  const entry = entryFor(config.auths, host);
  return entry === undefined ? undefined : credentialsFromEntry(entry, host, config.path);
}
