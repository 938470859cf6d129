/**
 * Local registries for integration tests, started through scripts/registry on a free loopback port
 * and stopped again by the test that started them.
 */
import { execFile } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const script = join(import.meta.dirname, "..", "..", "scripts", "registry");

export interface TestRegistry {
  /** "127.0.0.1:PORT" */
  address: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export async function startRegistry(options: { auth?: { user: string; password: string } } = {}): Promise<TestRegistry> {
  const port = await freePort();
  const args = ["up", "--port", String(port)];
  if (options.auth) args.push("--auth", `${options.auth.user}:${options.auth.password}`);
  const { stdout } = await run("bash", [script, ...args]);
  return {
    address: stdout.trim(),
    async stop() {
      await run("bash", [script, "down", "--port", String(port)]);
    },
  };
}
