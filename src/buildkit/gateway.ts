/**
 * A build driven through BuildKit's gateway bridge, as buildx's Build and Earthly do: a Control
 * Solve with neither definition nor frontend opens the build on the daemon and waits; LLBBridge
 * calls that name it in the `buildkit-controlapi-buildid` metadata then resolve image
 * configurations and solve definitions inside it, and `Return` hands the daemon the result, with
 * metadata, for the outer Solve's exporters. The metadata is how an image gets its configuration:
 * Docker's `moby` exporter takes "containerimage.config" from the result, not from its attributes.
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import { EbuildError } from "../errors.js";
import { LLBBridge, type ReturnRequestSchema } from "../gen/moby/buildkit/v1/frontend/gateway_pb.js";
import { BuildFailedError } from "./build-failure.js";
import { newBuildRef, type BuildkitClient, type CacheEntry, type ExporterEntry, type SolveResult } from "./client.js";
import type { CallOptions } from "./grpc/channel.js";
import { callUnary } from "./grpc/rpc.js";
import { GrpcCode, GrpcError } from "./grpc/status.js";
import { withDefaultTag, type ImageConfig, type ResolvedImage, type ResolveImageOptions } from "./image-config.js";

/** BuildKit's metadata key naming the build a gateway call belongs to (client/buildid). */
export const buildIdMetadataKey = "buildkit-controlapi-buildid";

/** The result metadata key the image exporters read the image configuration from. */
export const imageConfigMetadataKey = "containerimage.config";

export interface GatewayBuildOptions {
  /** A session already open on the daemon (context upload, export, auth, secrets). */
  sessionId: string;
  /** The build ref, to follow its progress with client.status(ref); a fresh one by default. */
  ref?: string | undefined;
  /** What to do with the returned result: `moby` (Docker's image store), `image`, `local`, `tar`… */
  exporters?: ExporterEntry[] | undefined;
  cacheImports?: CacheEntry[] | undefined;
  cacheExports?: CacheEntry[] | undefined;
  entitlements?: string[] | undefined;
  /** Keep the build out of the daemon's history (image resolution is not a build users look for). */
  internal?: boolean | undefined;
  /** Aborting cancels the whole build on the daemon. */
  signal?: AbortSignal | undefined;
}

/** What a gateway build returns: one ref or refs by key, and metadata for the exporters. */
export interface GatewayResult {
  ref?: string | undefined;
  refs?: Record<string, string> | undefined;
  /** e.g. { [imageConfigMetadataKey]: JSON.stringify(config) }. */
  metadata?: Record<string, Uint8Array | string> | undefined;
}

/** A frontend run inside a gateway build (see GatewayBuild.solveFrontend). */
export interface FrontendSolve {
  frontend: string;
  options: Record<string, string>;
  inputs?: Record<string, Uint8Array> | undefined;
  signal?: AbortSignal | undefined;
}

/** What a frontend answered: its result's id, that result's LLB and the frontend's metadata. */
export interface FrontendResult {
  ref: string;
  /** A marshalled pb.Definition; empty when the result is an empty filesystem. */
  definition: Uint8Array;
  metadata: Record<string, Uint8Array>;
}

/** An open bridge build. Finish it (or fail it) exactly once. */
export class GatewayBuild {
  readonly ref: string;
  private readonly abort = new AbortController();
  private readonly solving: Promise<SolveResult | undefined>;
  private solveError: unknown;
  private finished = false;

  private constructor(
    private readonly client: BuildkitClient,
    private readonly options: GatewayBuildOptions,
  ) {
    this.ref = options.ref ?? newBuildRef();
    const signal = options.signal ? AbortSignal.any([options.signal, this.abort.signal]) : this.abort.signal;
    this.solving = client
      .solve(
        {
          ref: this.ref,
          sessionId: options.sessionId,
          exporters: options.exporters,
          cacheImports: options.cacheImports,
          cacheExports: options.cacheExports,
          entitlements: options.entitlements,
          internal: options.internal,
        },
        signal,
      )
      .catch((error: unknown) => {
        this.solveError = error;
        return undefined;
      });
  }

  /** Opens the build on the daemon; calls may start right away (the daemon waits up to 3 s for it). */
  static open(client: BuildkitClient, options: GatewayBuildOptions): GatewayBuild {
    return new GatewayBuild(client, options);
  }

  /** Resolves an image's configuration through the daemon (see ImageResolveOptions). */
  async resolveImageConfig(options: ResolveImageOptions): Promise<ResolvedImage> {
    const request = {
      ref: withDefaultTag(options.ref),
      platform: options.platform ? { os: options.platform.os, architecture: options.platform.architecture, variant: options.platform.variant ?? "" } : undefined,
      resolveMode: options.resolveMode ?? "default",
      logName: options.logName ?? "",
      sessionId: this.options.sessionId,
    };
    const response = await this.call(
      `resolving ${options.ref}`,
      (error) =>
        new EbuildError("build", `cannot resolve image ${options.ref}: ${error.message}`, {
          hint: "check the image name; for a private registry, log in with docker login so the session can answer auth",
          cause: error,
        }),
      () => callUnary(this.client.channel, LLBBridge.method.resolveImageConfig, request, this.callOptions(options.signal)),
    );
    let config: ImageConfig;
    try {
      config = JSON.parse(new TextDecoder().decode(response.config)) as ImageConfig;
    } catch (error) {
      throw new EbuildError("build", `the image configuration of ${options.ref} is not valid JSON`, { cause: error });
    }
    return { ref: response.ref || options.ref, digest: response.digest, config, rawConfig: response.config };
  }

  /**
   * Solves a marshalled Definition inside this build and returns the id of its result, to return
   * with finish(). `evaluate` builds it now (so failures surface here) rather than at export.
   */
  async solve(definition: Uint8Array, options: { evaluate?: boolean; cacheImports?: CacheEntry[]; signal?: AbortSignal } = {}): Promise<string> {
    const request = {
      definition,
      allowResultReturn: true,
      // Without it the daemon answers with the deprecated string ref, which our Result omits.
      allowResultArrayRef: true,
      evaluate: options.evaluate ?? false,
      cacheImports: (options.cacheImports ?? []).map((c) => ({ type: c.type, attrs: c.attrs ?? {} })),
    };
    const response = await this.call(
      "the build",
      (error) => new BuildFailedError(error),
      () => callUnary(this.client.channel, LLBBridge.method.solve, request, this.callOptions(options.signal)),
    );
    const result = response.result?.result;
    if (result?.case === "ref") return result.value.id;
    if (response.ref) return response.ref;
    throw new EbuildError("internal", "the daemon returned no result ref for a gateway solve");
  }

  /**
   * Runs a frontend (e.g. "dockerfile.v0") inside this build without evaluating its result: the
   * answer is the frontend's LLB (the result ref's Definition) and its metadata, such as the image
   * configuration under "containerimage.config". `inputs` are marshalled Definitions the frontend
   * reads by name ("context", "dockerfile").
   */
  async solveFrontend(request: FrontendSolve): Promise<FrontendResult> {
    const message = {
      frontend: request.frontend,
      frontendOpt: request.options,
      frontendInputs: request.inputs ?? {},
      allowResultReturn: true,
      allowResultArrayRef: true,
      evaluate: false,
    };
    const response = await this.call(
      `the ${request.frontend} frontend`,
      (error) => new BuildFailedError(error),
      () => callUnary(this.client.channel, LLBBridge.method.solve, message, this.callOptions(request.signal)),
    );
    const result = response.result;
    if (result?.result.case !== "ref") {
      throw new EbuildError("internal", `the ${request.frontend} frontend returned ${result?.result.case === "refs" ? "several platforms" : "no result"}; one was expected`);
    }
    return { ref: result.result.value.id, definition: result.result.value.def, metadata: result.metadata };
  }

  /**
   * Reads a file from a result this build solved (`ref` from solve()). Up to `maxBytes` (default
   * 1 MiB): `$(...)` output and condition statuses are small, and a runaway command must not
   * flood memory.
   */
  async readFile(ref: string, path: string, options: { maxBytes?: number; signal?: AbortSignal } = {}): Promise<Uint8Array> {
    const request = { ref, filePath: path, range: { offset: 0n, length: BigInt(options.maxBytes ?? 1 << 20) } };
    const response = await this.call(
      `reading ${path}`,
      (error) => new EbuildError("build", `cannot read ${path} from the build result: ${error.message}`, { cause: error }),
      () => callUnary(this.client.channel, LLBBridge.method.readFile, request, this.callOptions(options.signal)),
    );
    return response.data;
  }

  /** Returns `result` to the daemon, which runs the exporters; resolves with what they reported. */
  async finish(result: GatewayResult = {}): Promise<SolveResult> {
    this.markFinished();
    const metadata = Object.fromEntries(Object.entries(result.metadata ?? {}).map(([k, v]) => [k, typeof v === "string" ? new TextEncoder().encode(v) : v]));
    const refs = result.refs
      ? { case: "refs" as const, value: { refs: Object.fromEntries(Object.entries(result.refs).map(([k, id]) => [k, { id }])) } }
      : result.ref
        ? { case: "ref" as const, value: { id: result.ref } }
        : { case: undefined };
    await this.returnToDaemon({ result: { result: refs, metadata } });
    const solved = await this.solving;
    if (this.solveError) throw this.solveError;
    return solved ?? { exporterResponse: {} };
  }

  /** Ends the build as failed with `error`'s message (the daemon reports it as the build's error). */
  async fail(error: Error): Promise<void> {
    this.markFinished();
    await this.returnToDaemon({ error: { code: GrpcCode.UNKNOWN, message: error.message } });
    await this.solving;
  }

  private markFinished(): void {
    if (this.finished) throw new EbuildError("internal", `gateway build ${this.ref} was already finished`);
    this.finished = true;
  }

  private async returnToDaemon(request: MessageInitShape<typeof ReturnRequestSchema>): Promise<void> {
    try {
      await callUnary(this.client.channel, LLBBridge.method.return, request, { ...this.callOptions(), timeoutMs: 10_000 });
    } catch (error) {
      // The build may already be gone (cancelled, daemon restarted); make sure it is.
      this.abort.abort();
      if (!this.solveError) throw this.client.failure("Return", error);
    }
  }

  private callOptions(signal?: AbortSignal): CallOptions {
    return { metadata: { [buildIdMetadataKey]: this.ref }, signal };
  }

  /** Runs a bridge call; what the daemon refused becomes `failed(error)`, the rest the usual errors. */
  private async call<T>(what: string, failed: (error: GrpcError) => EbuildError, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof GrpcError && error.code === GrpcCode.CANCELLED) {
        throw new EbuildError("cancelled", `${what} was cancelled`, { cause: error });
      }
      if (error instanceof GrpcError && error.code !== GrpcCode.UNAVAILABLE) throw failed(error);
      throw this.client.failure(what, error);
    }
  }
}

/**
 * A bridge build held open on the daemon for resolving image configurations; open one per ebuild
 * run, resolve as many images as the plan needs, then close it.
 */
export class ImageResolver {
  private constructor(private readonly build: GatewayBuild) {}

  /**
   * Opens the bridge build. `sessionId` must name a session already open on the daemon (its
   * attachables answer registry auth for private images).
   */
  static open(client: BuildkitClient, sessionId: string): ImageResolver {
    return new ImageResolver(GatewayBuild.open(client, { sessionId, internal: true }));
  }

  /** Resolves one image's configuration through the daemon. */
  resolve(options: ResolveImageOptions): Promise<ResolvedImage> {
    return this.build.resolveImageConfig(options);
  }

  /** Ends the bridge build (an empty result, nothing to export). */
  async close(): Promise<void> {
    await this.build.finish();
  }
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
