/** One Engine API request over the Docker socket (or tcp), answered as status and text body. */
import { request } from "node:http";
import type { EngineEndpoint } from "./connection/address.js";
import { dialTcp, dialUnix } from "./connection/socket.js";

export interface EngineCallOptions {
  headers?: Record<string, string> | undefined;
  signal?: AbortSignal | undefined;
}

export async function engineCall(engine: EngineEndpoint, method: string, path: string, options: EngineCallOptions = {}): Promise<{ status: number; body: string }> {
  const abort = options.signal ?? new AbortController().signal;
  const socket = engine.kind === "unix" ? await dialUnix(engine.path, abort) : await dialTcp(engine.host, engine.port, engine.tls, abort);
  try {
    return await new Promise((resolve, reject) => {
      const headers = { host: "docker", "user-agent": "ebuild", ...options.headers };
      const req = request({ method, path, headers, createConnection: () => socket, signal: abort }, (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (body += chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
        response.on("error", reject);
      });
      req.on("error", reject);
      req.end();
    });
  } finally {
    socket.destroy();
  }
}
