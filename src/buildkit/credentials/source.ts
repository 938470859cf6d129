/**
 * A per-build credential source for the session's Auth service: BuildKit asks for the same host
 * several times in one build (resolve, pull, push), so the config is read once and each host's
 * answer (or failure) is remembered instead of running a credential helper again.
 */
import type { CredentialSource, RegistryCredentials } from "../session/auth.js";
import { dockerConfigPath, readDockerConfig, registryHost, type DockerConfig } from "./docker-config.js";
import { lookup, type LookupOptions } from "./lookup.js";

/** Credentials from the user's Docker config, for one build's session. */
export function dockerCredentialSource(options: LookupOptions = {}): CredentialSource {
  const env = options.env ?? process.env;
  let config: Promise<DockerConfig> | undefined;
  const answers = new Map<string, Promise<RegistryCredentials | undefined>>();
  return {
    lookup(host: string) {
      const key = registryHost(host);
      let answer = answers.get(key);
      if (answer === undefined) {
        config ??= options.config !== undefined ? Promise.resolve(options.config) : readDockerConfig(dockerConfigPath(env));
        answer = config.then((loaded) => lookup(host, { ...options, env, config: loaded }));
        answers.set(key, answer);
      }
      return answer;
    },
  };
}
