/**
 * Plain sockets: unix:// and tcp:// daemons (optionally over TLS). Also the first step of reaching
 * Docker Engine, whose API listens on the same kinds of sockets.
 */
import { readFile } from "node:fs/promises";
import net from "node:net";
import tls from "node:tls";
import { EbuildError } from "../../errors.js";
import type { TlsFiles } from "./address.js";

/** Connects a unix socket; rejects when nothing listens or `signal` aborts first. */
export function dialUnix(path: string, signal: AbortSignal): Promise<net.Socket> {
  return settle(net.connect({ path }), "connect", signal);
}

/** Connects TCP, and TLS on top when `tlsFiles` is given (the server is always verified). */
export async function dialTcp(host: string, port: number, tlsFiles: TlsFiles | undefined, signal: AbortSignal): Promise<net.Socket> {
  if (!tlsFiles) return settle(net.connect({ host, port }), "connect", signal);
  const [ca, cert, key] = await Promise.all([readTlsFile(tlsFiles.caFile, "CA certificate"), readTlsFile(tlsFiles.certFile, "client certificate"), readTlsFile(tlsFiles.keyFile, "client key")]);
  const socket = tls.connect({
    host,
    port,
    ca,
    cert,
    key,
    servername: tlsFiles.serverName ?? (net.isIP(host) ? undefined : host),
    // An IP address has no SNI; checkServerIdentity still compares it with the certificate's IP SANs.
    ...(tlsFiles.serverName ? { checkServerIdentity: (_: string, c: tls.PeerCertificate) => tls.checkServerIdentity(tlsFiles.serverName!, c) } : {}),
    ALPNProtocols: ["h2"],
    rejectUnauthorized: true,
  });
  return settle(socket, "secureConnect", signal);
}

/** Waits for `ready` on a new socket, destroying it on error or abort. */
function settle<S extends net.Socket>(socket: S, ready: "connect" | "secureConnect", signal: AbortSignal): Promise<S> {
  return new Promise((resolve, reject) => {
    const fail = (error: Error) => {
      cleanup();
      socket.destroy();
      reject(error);
    };
    const onAbort = () => fail(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
    const onReady = () => {
      cleanup();
      resolve(socket);
    };
    const cleanup = () => {
      socket.off("error", fail);
      socket.off(ready, onReady);
      signal.removeEventListener("abort", onAbort);
    };
    if (signal.aborted) return onAbort();
    socket.once("error", fail);
    socket.once(ready, onReady);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** A missing or unreadable TLS file is the user's to fix, not an unreachable daemon. */
async function readTlsFile(file: string | undefined, what: string): Promise<Buffer | undefined> {
  if (!file) return undefined;
  try {
    return await readFile(file);
  } catch (error) {
    throw new EbuildError("usage", `cannot read the TLS ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      hint: "check the path given with --tlscacert, --tlscert or --tlskey (or DOCKER_CERT_PATH)",
      cause: error,
    });
  }
}
