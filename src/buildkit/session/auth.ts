/**
 * Registry credentials for the daemon (pulls and pushes). We answer Credentials from a
 * CredentialSource and say Unimplemented to the token-authority calls: BuildKit then fetches registry
 * tokens itself with the username and secret we gave, exactly as with buildctl's default provider.
 */
import {
  Auth,
  CredentialsRequestSchema,
  CredentialsResponseSchema,
} from "../../gen/moby/filesync/v1/auth_pb.js";
import { methodPath, unary, unimplemented, type Attachable } from "./attachable.js";

/** A username and password (or identity token) for one registry host. */
export interface RegistryCredentials {
  username: string;
  secret: string;
}

/**
 * Looks up credentials for a registry host as the daemon names it: `localhost:5000`, or
 * `registry-1.docker.io` for Docker Hub (whose docker config key is `https://index.docker.io/v1/`).
 * Undefined means no credentials (anonymous access).
 */
export interface CredentialSource {
  lookup(host: string): Promise<RegistryCredentials | undefined>;
}

/** The Auth service; hosts without credentials get an empty answer (anonymous access). */
export function authService(source: CredentialSource): Attachable {
  const credentials = unary(CredentialsRequestSchema, CredentialsResponseSchema, async (request) => {
    const found = await source.lookup(request.host);
    return found === undefined ? {} : { username: found.username, secret: found.secret };
  });
  const methods = new Map([[methodPath(Auth, "credentials"), credentials]]);
  for (const name of ["fetchToken", "getTokenAuthority", "verifyTokenAuthority"] as const) {
    const path = methodPath(Auth, name);
    methods.set(path, unimplemented(path));
  }
  return { methods };
}
