/**
 * Throwaway local registries for integration tests, built on `scripts/registry`: each call gets its
 * own loopback port, storage and (optionally) htpasswd user, and `stop()` removes all of it.
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
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
  /** Where the registry keeps blobs and uploads (its `rootdirectory`). */
  storage: string;
  /** SIGKILL to the registry process, as a crash would end it; `stop()` still cleans up. */
  kill(): Promise<void>;
  /** Stops the registry and deletes its storage; safe to call twice. */
  stop(): Promise<void>;
}

/** scripts/registry keeps each registry's files in `$EBUILD_DEV_STATE/registry/PORT`. */
const stateDir = (port: number) => join(process.env.EBUILD_DEV_STATE ?? "/var/lib/ebuild-dev", "registry", String(port));

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
        storage: join(stateDir(port), "data"),
        async kill() {
          const pid = Number((await readFile(join(stateDir(port), "registry.pid"), "utf8")).trim());
          process.kill(pid, "SIGKILL");
          // Gone once nothing answers on the port any more.
          while (await fetch(`http://${address}/v2/`).then(() => true, () => false)) await new Promise((resolve) => setTimeout(resolve, 50));
        },
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

/**
 * Puts the busybox fixture into `registry` as `image`, pushing with the auths of the Docker config in
 * `dockerConfig`, and untags it again: a build can then only get it from the registry.
 */
export async function pushFixtureImage(image: string, dockerConfig: string): Promise<void> {
  const env = { ...process.env, DOCKER_CONFIG: dockerConfig };
  await run("docker", ["tag", "ebuild-fixture/busybox:latest", image], { env });
  try {
    await run("docker", ["push", image], { env });
  } finally {
    await run("docker", ["rmi", image], { env });
  }
}
