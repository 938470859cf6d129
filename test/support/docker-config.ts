/**
 * Test helper: a CredentialSource read from a docker config file (`{"auths": {HOST: {"auth":
 * base64("user:password")}}}`), the minimum the registry tests need. It stands in for
 * src/buildkit/credentials/ (branch `registry`) until that lands: no credential helpers, no
 * credsStore, no Docker Hub key mapping.
 */
import { readFile, writeFile } from "node:fs/promises";
import type { CredentialSource, RegistryCredentials } from "../../src/buildkit/session/index.js";

/** Writes a docker config file that holds `credentials` for `host`. */
export async function writeDockerConfig(path: string, host: string, credentials: RegistryCredentials): Promise<void> {
  const auth = Buffer.from(`${credentials.username}:${credentials.secret}`).toString("base64");
  await writeFile(path, JSON.stringify({ auths: { [host]: { auth } } }, null, 2), { mode: 0o600 });
}

/** Credentials from the docker config at `path`, read on each lookup; `asked` records the hosts. */
export function dockerConfigCredentials(path: string): CredentialSource & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async lookup(host: string): Promise<RegistryCredentials | undefined> {
      asked.push(host);
      const config = JSON.parse(await readFile(path, "utf8")) as { auths?: Record<string, { auth?: string }> };
      const encoded = config.auths?.[host]?.auth;
      if (encoded === undefined) return undefined;
      const decoded = Buffer.from(encoded, "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      return colon < 0 ? undefined : { username: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
    },
  };
}
