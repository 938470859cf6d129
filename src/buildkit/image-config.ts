/**
 * Resolving a base image's configuration (ENV, WORKDIR, USER, ENTRYPOINT, CMD, platform) through
 * the daemon, as buildx and Earthly do: a Solve with neither definition nor frontend opens a
 * gateway "bridge" build on the daemon, LLBBridge calls that name the build in the
 * `buildkit-controlapi-buildid` metadata are forwarded to it, and `Return` ends it. Going through
 * the daemon means images in Docker's image store and registries behind the daemon's own
 * configuration resolve exactly as the build will see them.
 */
import { EbuildError } from "../errors.js";
import { LLBBridge } from "../gen/moby/buildkit/v1/frontend/gateway_pb.js";
import { newBuildRef, type BuildkitClient } from "./client.js";
import { callUnary } from "./grpc/rpc.js";
import { GrpcCode, GrpcError } from "./grpc/status.js";

/** BuildKit's metadata key naming the build a gateway call belongs to (client/buildid). */
export const buildIdMetadataKey = "buildkit-controlapi-buildid";

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
 * A bridge build held open on the daemon for resolving image configurations; open one per ebuild
 * run, resolve as many images as the plan needs, then close it.
 */
export class ImageResolver {
  private readonly abort = new AbortController();
  private readonly solving: Promise<unknown>;
  private solveError: unknown;
  private closed = false;

  private constructor(
    private readonly client: BuildkitClient,
    private readonly buildRef: string,
    private readonly sessionId: string,
  ) {
    this.solving = client
      .solve({ ref: buildRef, sessionId, internal: true }, this.abort.signal)
      .catch((error: unknown) => (this.solveError = error));
  }

  /**
   * Opens the bridge build. `sessionId` must name a session already open on the daemon (its
   * attachables answer registry auth for private images).
   */
  static open(client: BuildkitClient, sessionId: string): ImageResolver {
    return new ImageResolver(client, newBuildRef(), sessionId);
  }

  /** Resolves one image's configuration through the daemon. */
  async resolve(options: ResolveImageOptions): Promise<ResolvedImage> {
    if (this.closed) throw new EbuildError("internal", "the image resolver is closed");
    const request = {
      ref: withDefaultTag(options.ref),
      platform: options.platform ? { os: options.platform.os, architecture: options.platform.architecture, variant: options.platform.variant ?? "" } : undefined,
      resolveMode: options.resolveMode ?? "default",
      logName: options.logName ?? "",
      sessionId: this.sessionId,
    };
    let response;
    try {
      response = await callUnary(this.client.channel, LLBBridge.method.resolveImageConfig, request, {
        metadata: { [buildIdMetadataKey]: this.buildRef },
        signal: options.signal,
      });
    } catch (error) {
      throw this.resolveFailure(options.ref, error);
    }
    let config: ImageConfig;
    try {
      config = JSON.parse(new TextDecoder().decode(response.config)) as ImageConfig;
    } catch (error) {
      throw new EbuildError("build", `the image configuration of ${options.ref} is not valid JSON`, { cause: error });
    }
    return { ref: response.ref || options.ref, digest: response.digest, config, rawConfig: response.config };
  }

  /** Ends the bridge build (Return with an empty result) and waits for its Solve to finish. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await callUnary(this.client.channel, LLBBridge.method.return, { result: {} }, { metadata: { [buildIdMetadataKey]: this.buildRef }, timeoutMs: 10_000 });
    } catch {
      // The build may already be gone (daemon restarted, session closed); cancel it to be sure.
      this.abort.abort();
    }
    await this.solving;
    const error = this.solveError;
    if (error && !(error instanceof EbuildError && error.kind === "cancelled")) throw error;
  }

  private resolveFailure(ref: string, error: unknown): EbuildError {
    if (error instanceof GrpcError && error.code === GrpcCode.CANCELLED) {
      return new EbuildError("cancelled", `resolving ${ref} was cancelled`, { cause: error });
    }
    if (error instanceof GrpcError && error.code !== GrpcCode.UNAVAILABLE) {
      return new EbuildError("build", `cannot resolve image ${ref}: ${error.message}`, {
        hint: "check the image name; for a private registry, log in with docker login so the session can answer auth",
        cause: error,
      });
    }
    return this.client.failure(`resolving ${ref}`, error);
  }
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

/** Resolves one image through a bridge build opened and closed for it. */
export async function resolveImageConfig(client: BuildkitClient, sessionId: string, options: ResolveImageOptions): Promise<ResolvedImage> {
  const resolver = ImageResolver.open(client, sessionId);
  try {
    return await resolver.resolve(options);
  } finally {
    await resolver.close();
  }
}
