/**
 * ebuild's contact with BuildKit, in one import: connect (`BuildkitClient.connect`), build
 * (`solve` + `status` decoded by `decodeProgress`), serve a session over `openSessionTunnel`, and
 * resolve base images and build with image metadata through the gateway bridge (`GatewayBuild`).
 */
export { BuildkitClient, newBuildRef } from "./client.js";
export type {
  BuildkitClientOptions,
  CacheEntry,
  ExporterEntry,
  InfoResponse,
  PruneOptions,
  SolveOptions,
  SolveResult,
  StatusResponse,
  UsageRecord,
  WorkerRecord,
} from "./client.js";
export { runBuild, statusGraceMs } from "./build.js";
export type { RunBuildOptions } from "./build.js";
export { BuildFailedError, decodeBuildFailure } from "./build-failure.js";
export type { BuildFailure, FailureSource } from "./build-failure.js";
export { resolveDaemonAddress, parseBuildkitHost, parseDockerHost } from "./connection/address.js";
export type { DaemonAddress, EngineEndpoint, TlsFiles } from "./connection/address.js";
export { defaultConnectTimeoutMs } from "./connection/connect.js";
export { buildIdMetadataKey, GatewayBuild, imageConfigMetadataKey, ImageResolver, resolveImageConfig } from "./gateway.js";
export type { GatewayBuildOptions, GatewayResult } from "./gateway.js";
export { withDefaultTag } from "./image-config.js";
export type { ImageConfig, Platform, ResolvedImage, ResolveImageOptions } from "./image-config.js";
export { decodeProgress, ProgressDecoder } from "./progress.js";
export type { LogStream, ProgressEvent, VertexRef } from "./progress.js";
export { grpcMethodPath, openEngineSessionTunnel, openSessionTunnel, sessionMetadata } from "./session-tunnel.js";
export type { SessionTunnelOptions } from "./session-tunnel.js";
export { GrpcCode, GrpcError } from "./grpc/status.js";
