/**
 * ebuild's client for BuildKit's Control API: one connection to the daemon, the calls ebuild makes
 * (Solve, Status, ListWorkers, Info, DiskUsage, Prune, Session) with plain TypeScript options, and
 * gRPC failures turned into EbuildErrors.
 */
import { randomBytes } from "node:crypto";
import type { MessageShape } from "@bufbuild/protobuf";
import { EbuildError } from "../errors.js";
import {
  Control,
  type InfoResponseSchema,
  type StatusResponseSchema,
  type UsageRecordSchema,
  type WorkerRecordSchema,
} from "../gen/moby/buildkit/v1/control_pb.js";
import { BuildFailedError } from "./build-failure.js";
import { resolveDaemonAddress, type AddressInputs, type DaemonAddress } from "./connection/address.js";
import { openChannel, type ConnectOptions } from "./connection/connect.js";
import type { Call, CallOptions, GrpcChannel, Metadata } from "./grpc/channel.js";
import { callServerStream, callUnary, methodPath } from "./grpc/rpc.js";
import { GrpcCode, GrpcError } from "./grpc/status.js";

export type WorkerRecord = MessageShape<typeof WorkerRecordSchema>;
export type UsageRecord = MessageShape<typeof UsageRecordSchema>;
export type StatusResponse = MessageShape<typeof StatusResponseSchema>;
export type InfoResponse = MessageShape<typeof InfoResponseSchema>;

/** An exporter for a Solve: `image`, `moby`, `local`, `tar`, `docker`, `oci`, with its attributes. */
export interface ExporterEntry {
  type: string;
  attrs?: Record<string, string>;
}

/** A cache import or export (`registry`, `local`, `inline`, `gha`…) with its attributes. */
export interface CacheEntry {
  type: string;
  attrs?: Record<string, string>;
}

export interface SolveOptions {
  /** The build's id; Status and the gateway bridge find the build by it. See `newBuildRef`. */
  ref: string;
  /** A marshalled pb.Definition (from the planner); absent for frontend and bridge-only builds. */
  definition?: Uint8Array | undefined;
  exporters?: ExporterEntry[] | undefined;
  /** The id of a session opened with openSessionTunnel, for context upload, export, auth, secrets. */
  sessionId?: string | undefined;
  frontend?: string | undefined;
  frontendAttrs?: Record<string, string> | undefined;
  /** Marshalled pb.Definitions by input name. */
  frontendInputs?: Record<string, Uint8Array> | undefined;
  cacheImports?: CacheEntry[] | undefined;
  cacheExports?: CacheEntry[] | undefined;
  /** e.g. "network.host", "security.insecure"; the daemon must allow them too. */
  entitlements?: string[] | undefined;
  /** Keep the build out of the daemon's build history. */
  internal?: boolean | undefined;
}

export interface SolveResult {
  /** What the exporters reported, e.g. "containerimage.digest", "image.name". */
  exporterResponse: Record<string, string>;
}

export interface PruneOptions {
  filter?: string[];
  all?: boolean;
  /** Keep records used within this many seconds (0: no limit). */
  keepDurationSeconds?: number;
  /** Keep this many bytes of cache (0: no limit). */
  keepBytes?: number;
}

/** A fresh build ref: 25 lower-case letters and digits, like BuildKit's identity.NewID. */
export function newBuildRef(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  return Array.from(randomBytes(25), (byte) => alphabet[byte % alphabet.length]).join("");
}

export interface BuildkitClientOptions extends AddressInputs, ConnectOptions {}

/** A connection to a BuildKit daemon. Close it when done so the process can exit. */
export class BuildkitClient {
  private constructor(
    readonly address: DaemonAddress,
    readonly channel: GrpcChannel,
  ) {}

  /** Connects to the daemon chosen from the options and environment (see resolveDaemonAddress). */
  static async connect(options: BuildkitClientOptions = {}): Promise<BuildkitClient> {
    const address = resolveDaemonAddress(options);
    return new BuildkitClient(address, await openChannel(address, options));
  }

  /** Connects to an address already resolved. */
  static async connectTo(address: DaemonAddress, options: ConnectOptions = {}): Promise<BuildkitClient> {
    return new BuildkitClient(address, await openChannel(address, options));
  }

  close(): void {
    this.channel.close();
  }

  async listWorkers(options?: CallOptions): Promise<WorkerRecord[]> {
    const response = await this.unary("ListWorkers", () => callUnary(this.channel, Control.method.listWorkers, {}, options));
    return response.record;
  }

  async info(options?: CallOptions): Promise<InfoResponse> {
    return this.unary("Info", () => callUnary(this.channel, Control.method.info, {}, options));
  }

  async diskUsage(filter: string[] = [], options?: CallOptions): Promise<UsageRecord[]> {
    const response = await this.unary("DiskUsage", () => callUnary(this.channel, Control.method.diskUsage, { filter }, options));
    return response.record;
  }

  /** Prunes the build cache; yields each record removed. */
  async *prune(prune: PruneOptions = {}, options?: CallOptions): AsyncGenerator<UsageRecord> {
    const request = {
      filter: prune.filter ?? [],
      all: prune.all ?? false,
      keepDuration: BigInt(Math.round((prune.keepDurationSeconds ?? 0) * 1e9)),
      keepBytes: BigInt(prune.keepBytes ?? 0),
    };
    try {
      yield* callServerStream(this.channel, Control.method.prune, request, options);
    } catch (error) {
      throw this.failure("Prune", error);
    }
  }

  /**
   * Runs a build and resolves when the daemon finished it (exports included). Aborting `signal`
   * cancels the build on the daemon; the promise then rejects with EbuildError("cancelled").
   */
  async solve(solve: SolveOptions, signal?: AbortSignal): Promise<SolveResult> {
    const exporters = (solve.exporters ?? []).map((e) => ({ type: e.type, attrs: e.attrs ?? {} }));
    // v0.13 reads `exporters`; older daemons only the single deprecated exporter. Send both, as
    // buildctl does, so one exporter works everywhere.
    const [firstExporter] = exporters;
    const request = {
      ref: solve.ref,
      definition: solve.definition,
      exporters,
      exporterDeprecated: firstExporter?.type ?? "",
      exporterAttrsDeprecated: firstExporter?.attrs ?? {},
      session: solve.sessionId ?? "",
      frontend: solve.frontend ?? "",
      frontendAttrs: solve.frontendAttrs ?? {},
      frontendInputs: solve.frontendInputs ?? {},
      cache: {
        imports: (solve.cacheImports ?? []).map((c) => ({ type: c.type, attrs: c.attrs ?? {} })),
        exports: (solve.cacheExports ?? []).map((c) => ({ type: c.type, attrs: c.attrs ?? {} })),
      },
      entitlements: solve.entitlements ?? [],
      internal: solve.internal ?? false,
    };
    try {
      const response = await callUnary(this.channel, Control.method.solve, request, { signal });
      return { exporterResponse: { ...response.exporterResponse } };
    } catch (error) {
      if (error instanceof GrpcError && error.code === GrpcCode.CANCELLED) {
        throw new EbuildError("cancelled", "the build was cancelled", { cause: error });
      }
      if (error instanceof GrpcError && error.code !== GrpcCode.UNAVAILABLE) throw new BuildFailedError(error);
      throw this.failure("Solve", error);
    }
  }

  /**
   * The progress of build `ref` as raw StatusResponses (see progress.ts to decode them). Ends when
   * the build ends. Start it together with solve(): the daemon waits a little for the build.
   */
  async *status(ref: string, options?: CallOptions): AsyncGenerator<StatusResponse> {
    try {
      yield* callServerStream(this.channel, Control.method.status, { ref }, options);
    } catch (error) {
      if (error instanceof GrpcError && error.code === GrpcCode.CANCELLED) return;
      throw this.failure("Status", error);
    }
  }

  /** Opens the raw Control.Session stream with `metadata`; openSessionTunnel builds on it. */
  openSessionCall(metadata: Metadata, signal?: AbortSignal): Call {
    return this.channel.call(methodPath(Control.method.session), { metadata, signal });
  }

  private async unary<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw this.failure(what, error);
    }
  }

  /** A lost connection is "unreachable" (exit 6); anything else the daemon said is internal. */
  failure(what: string, error: unknown): EbuildError {
    if (error instanceof EbuildError) return error;
    if (error instanceof GrpcError && error.code === GrpcCode.UNAVAILABLE) {
      return new EbuildError("unreachable", `lost the BuildKit daemon at ${this.address.text} during ${what}: ${error.message}`, {
        hint: "check that the daemon is still running (its log says why it stopped)",
        cause: error,
      });
    }
    if (error instanceof GrpcError && error.code === GrpcCode.CANCELLED) {
      return new EbuildError("cancelled", `${what} was cancelled`, { cause: error });
    }
    const message = error instanceof Error ? error.message : String(error);
    return new EbuildError("internal", `${what} failed on the daemon at ${this.address.text}: ${message}`, { cause: error });
  }
}
