/**
 * Where the BuildKit daemon is, decided once from the command line and the environment:
 * `--buildkit-host` wins over `BUILDKIT_HOST`; with neither, Docker Engine's built-in BuildKit is
 * reached through `DOCKER_HOST` or the default Docker socket.
 */
import path from "node:path";
import { EbuildError } from "../../errors.js";

/** TLS material for a tcp:// daemon; file paths, read when connecting. */
export interface TlsFiles {
  caFile?: string | undefined;
  certFile?: string | undefined;
  keyFile?: string | undefined;
  /** The name the server's certificate must carry; defaults to the host. */
  serverName?: string | undefined;
}

export type DaemonAddress =
  | { kind: "unix"; path: string; text: string }
  | { kind: "tcp"; host: string; port: number; tls: TlsFiles | undefined; text: string }
  | { kind: "docker-container"; container: string; text: string }
  | { kind: "docker-engine"; engine: EngineEndpoint; text: string; source: "DOCKER_HOST" | "default" };

/** How Docker Engine's API is reached. */
export type EngineEndpoint =
  | { kind: "unix"; path: string }
  | { kind: "tcp"; host: string; port: number; tls: TlsFiles | undefined };

export const defaultDockerSocket = "/var/run/docker.sock";

export interface AddressInputs {
  /** `--buildkit-host`. */
  buildkitHost?: string | undefined;
  /** TLS flags for a tcp:// BUILDKIT_HOST. */
  tls?: TlsFiles | undefined;
  env?: NodeJS.ProcessEnv;
}

/** Picks the daemon address; throws a usage error for an address ebuild cannot parse. */
export function resolveDaemonAddress(inputs: AddressInputs = {}): DaemonAddress {
  const env = inputs.env ?? process.env;
  const explicit = inputs.buildkitHost || env.BUILDKIT_HOST;
  if (explicit) return parseBuildkitHost(explicit, inputs.tls);
  const dockerHost = env.DOCKER_HOST;
  if (dockerHost) {
    return { kind: "docker-engine", engine: parseDockerHost(dockerHost, env), text: dockerHost, source: "DOCKER_HOST" };
  }
  return {
    kind: "docker-engine",
    engine: { kind: "unix", path: defaultDockerSocket },
    text: `unix://${defaultDockerSocket}`,
    source: "default",
  };
}

/** Parses a BUILDKIT_HOST value: unix://PATH, tcp://HOST:PORT, docker-container://NAME. */
export function parseBuildkitHost(text: string, tls?: TlsFiles): DaemonAddress {
  const scheme = schemeOf(text);
  const rest = text.slice(scheme.length + 3);
  switch (scheme) {
    case "unix":
      return { kind: "unix", path: unixPath(rest, text), text };
    case "tcp": {
      const { host, port } = hostPort(rest, text);
      const hasTls = tls && (tls.caFile || tls.certFile || tls.keyFile || tls.serverName);
      return { kind: "tcp", host, port, tls: hasTls ? tls : undefined, text };
    }
    case "docker-container": {
      const container = rest.replace(/\/+$/, "");
      if (!container) throw badAddress(text, "docker-container:// needs a container name");
      return { kind: "docker-container", container, text };
    }
    default:
      throw badAddress(text, `unsupported scheme "${scheme}://"`);
  }
}

/** Parses DOCKER_HOST (unix:// or tcp://), taking TLS from DOCKER_TLS_VERIFY / DOCKER_CERT_PATH. */
export function parseDockerHost(text: string, env: NodeJS.ProcessEnv = process.env): EngineEndpoint {
  const scheme = schemeOf(text);
  const rest = text.slice(scheme.length + 3);
  if (scheme === "unix") return { kind: "unix", path: unixPath(rest, text) };
  if (scheme === "tcp") {
    const { host, port } = hostPort(rest, text);
    const verify = env.DOCKER_TLS_VERIFY !== undefined && env.DOCKER_TLS_VERIFY !== "" && env.DOCKER_TLS_VERIFY !== "0";
    const certDir = env.DOCKER_CERT_PATH;
    const tls: TlsFiles | undefined =
      verify || certDir
        ? {
            caFile: certDir ? path.join(certDir, "ca.pem") : undefined,
            certFile: certDir ? path.join(certDir, "cert.pem") : undefined,
            keyFile: certDir ? path.join(certDir, "key.pem") : undefined,
          }
        : undefined;
    return { kind: "tcp", host, port, tls };
  }
  throw badAddress(text, `DOCKER_HOST must be unix:// or tcp://, not "${scheme}://"`);
}

function schemeOf(text: string): string {
  const match = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text);
  if (!match) throw badAddress(text, "expected SCHEME://ADDRESS, e.g. unix:///run/buildkit/buildkitd.sock");
  return match[1]!.toLowerCase();
}

function unixPath(rest: string, text: string): string {
  if (!rest) throw badAddress(text, "unix:// needs a socket path");
  return rest;
}

function hostPort(rest: string, text: string): { host: string; port: number } {
  const match = /^(\[[^\]]+\]|[^:/]+):(\d+)\/?$/.exec(rest);
  if (!match) throw badAddress(text, "tcp:// needs HOST:PORT");
  const port = Number(match[2]);
  if (port < 1 || port > 65535) throw badAddress(text, `port ${port} is out of range`);
  return { host: match[1]!.replace(/^\[|\]$/g, ""), port };
}

function badAddress(text: string, why: string): EbuildError {
  return new EbuildError("usage", `cannot use daemon address "${text}": ${why}`, {
    hint: "use unix://PATH, tcp://HOST:PORT or docker-container://NAME",
  });
}
