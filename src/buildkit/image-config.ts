/**
 * What resolving a base image gives: its configuration (ENV, WORKDIR, USER, ENTRYPOINT, CMD,
 * platform) as stored in the image, and how references are completed before asking the daemon.
 * The resolving itself goes through the daemon's gateway bridge (gateway.ts), so images in
 * Docker's image store and registries behind the daemon's own configuration resolve exactly as
 * the build will see them.
 */

export interface Platform {
  os: string;
  architecture: string;
  variant?: string | undefined;
}

/** An OCI image configuration as stored in the image (field names as in the JSON). */
export interface ImageConfig {
  architecture?: string;
  os?: string;
  variant?: string;
  config?: {
    User?: string;
    Env?: string[];
    Entrypoint?: string[] | null;
    Cmd?: string[] | null;
    WorkingDir?: string;
    Labels?: Record<string, string> | null;
    ExposedPorts?: Record<string, object> | null;
    Volumes?: Record<string, object> | null;
    StopSignal?: string;
    Shell?: string[];
    OnBuild?: string[] | null;
    Healthcheck?: { Test?: string[]; Interval?: number; Timeout?: number; StartPeriod?: number; Retries?: number };
  };
  rootfs?: { type: string; diff_ids: string[] };
  history?: Array<Record<string, unknown>>;
}

export interface ResolvedImage {
  /** The image reference as the daemon normalized it. */
  ref: string;
  /** The manifest digest the configuration came from. */
  digest: string;
  config: ImageConfig;
  /** The configuration bytes exactly as stored (they hash to the config digest). */
  rawConfig: Uint8Array;
}

export interface ResolveImageOptions {
  /** e.g. "alpine:3.20" or "ebuild-fixture/busybox:latest". */
  ref: string;
  platform?: Platform | undefined;
  /** "default" uses a local copy when there is one, "pull" always asks the registry, "local" never does. */
  resolveMode?: "default" | "pull" | "local" | undefined;
  /** Shown in the build's progress, e.g. "[internal] load metadata for …". */
  logName?: string | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * Adds ":latest" to a reference with neither tag nor digest, as docker and BuildKit's llb.Image do;
 * the bridge resolves the reference as given and a bare name finds nothing in Docker's store.
 */
export function withDefaultTag(ref: string): string {
  if (ref.includes("@")) return ref;
  const lastComponent = ref.slice(ref.lastIndexOf("/") + 1);
  return lastComponent.includes(":") ? ref : `${ref}:latest`;
}
