/** Test helper: loopback ports for servers a test starts, or for a daemon that is not there. */
import { createServer } from "node:net";

/**
 * A port on 127.0.0.1 that nothing listened on a moment ago (the kernel picked it, then we let it
 * go): where to start a server, or an address that refuses connections.
 */
export function unusedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error("no free port"))));
    });
  });
}
