/**
 * Credentials in the form Docker Engine's API takes them: the `X-Registry-Auth` header of
 * `POST /images/{name}/push` (and `/images/create`). Docker's own BuildKit does not push images
 * itself (its `moby` exporter ignores `push=true`), so a push goes through this API, as buildx does.
 */
import { serverAddress } from "./docker-config.js";
import type { Credentials } from "./lookup.js";

/** The header's name. */
export const registryAuthHeader = "X-Registry-Auth";

/**
 * The header's value for `host`: padded base64url of the Engine's AuthConfig JSON. An empty `username`
 * means `secret` is an identity token. Without credentials it encodes `{}` (anonymous).
 */
export function registryAuthValue(host: string, credentials: Credentials | undefined): string {
  const config: Record<string, string> = {};
  if (credentials !== undefined) {
    config.serveraddress = serverAddress(host);
    if (credentials.username === "") config.identitytoken = credentials.secret;
    else {
      config.username = credentials.username;
      config.password = credentials.secret;
    }
  }
  // Padded base64url, as Go's base64.URLEncoding (which the Engine decodes with) writes it.
  return Buffer.from(JSON.stringify(config), "utf8").toString("base64").replace(/\+/g, "-").replace(/\//g, "_");
}
