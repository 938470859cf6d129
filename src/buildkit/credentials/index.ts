/** Registry credentials from the user's Docker config and credential helpers. */
export { lookup, credentialsFromEntry, type Credentials, type LookupOptions } from "./lookup.js";
export {
  dockerConfigPath,
  dockerHubKey,
  readDockerConfig,
  parseDockerConfig,
  registryHost,
  serverAddress,
  type DockerConfig,
  type DockerAuthEntry,
} from "./docker-config.js";
export { runCredentialHelper, defaultHelperTimeoutMs, type HelperCredentials } from "./helper.js";
export { dockerCredentialSource } from "./source.js";
export { registryAuthHeader, registryAuthValue } from "./engine-auth.js";
