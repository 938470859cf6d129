/**
 * Throwaway local registries for integration tests, built on `scripts/registry`: each call gets its
 * own loopback port, storage and (optionally) htpasswd user, and `stop()` removes all of it.
 */
import { execFile } from "node:child_process";
import { unusedPort } from "./ports.js";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const script = fileURLToPath(new URL("../../scripts/registry", import.meta.url));

export interface RegistryAuth {
  user: string;
  password: string;
}

export interface StartRegistryOptions {
  /** Basic auth (bcrypt htpasswd) for this one user; without it the registry is open. */
  auth?: RegistryAuth;
}

export interface TestRegistry {
  /** `127.0.0.1:PORT`, usable as an image name prefix (`${address}/repo:tag`). */
  address: string;
  /** Stops the registry and deletes its storage; safe to call twice. */
  stop(): Promise<void>;
}

/** Starts a registry on a free loopback port and waits until `GET /v2/` answers. */
export async function startRegistry(options: StartRegistryOptions = {}): Promise<TestRegistry> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  const args = ["up"];
  if (options.auth) {
    // The user and password go through the environment, which keeps the password off `ps`.
    args.push("--auth");
    env.EBUILD_REGISTRY_USER = options.auth.user;
    env.EBUILD_REGISTRY_PASSWORD = options.auth.password;
  }
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await unusedPort();
    try {
      const { stdout } = await run("bash", [script, ...args, "--port", String(port)], { env });
      const address = stdout.trim();
      let stopped = false;
      return {
        address,
        async stop() {
          if (stopped) return;
          stopped = true;
          await run("bash", [script, "down", "--port", String(port)]);
        },
      };
    } catch (error) {
      // The port may have been taken between unusedPort() and the registry's bind: clean up, retry.
      lastError = error;
      await run("bash", [script, "down", "--port", String(port)]).catch(() => undefined);
    }
  }
  throw new Error(`could not start a local registry: ${String(lastError)}`);
}
