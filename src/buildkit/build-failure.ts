/**
 * What the daemon says about a failed build beyond its message. BuildKit attaches typed details to
 * the gRPC status (util/grpcerrors): the failing vertex (errdefs.Vertex) and, when the planner put
 * a source map in the Definition, the source ranges of the failing step (errdefs.Source). The
 * details are JSON inside google.protobuf.Any, under type URLs ending in "+json".
 */
import { fromBinary } from "@bufbuild/protobuf";
import { EbuildError } from "../errors.js";
import { ErrorStatusSchema } from "../gen/moby/buildkit/v1/errors_pb.js";
import type { GrpcError } from "./grpc/status.js";

export interface FailureSource {
  filename: string;
  /** As the planner recorded them, the way BuildKit's frontends do: lines from 1, characters from 0. */
  ranges: Array<{ start: { line: number; character: number }; end: { line: number; character: number } }>;
}

export interface BuildFailure {
  /** The digest of the step that failed, as in Status vertexes. */
  vertexDigest: string | undefined;
  /** Where the failing step came from, innermost first as BuildKit lists them. */
  sources: FailureSource[];
  /** The type URLs of all details, for debugging. */
  detailTypes: string[];
}

interface SourceJson {
  info?: { filename?: string };
  ranges?: Array<{ start?: { line?: number; character?: number }; end?: { line?: number; character?: number } }>;
}

/** Decodes `grpc-status-details-bin` (already base64-decoded); undefined when absent or unreadable. */
export function decodeBuildFailure(details: Uint8Array | undefined): BuildFailure | undefined {
  if (!details || details.length === 0) return undefined;
  let status;
  try {
    status = fromBinary(ErrorStatusSchema, details);
  } catch {
    return undefined;
  }
  const failure: BuildFailure = { vertexDigest: undefined, sources: [], detailTypes: [] };
  for (const detail of status.details) {
    failure.detailTypes.push(detail.typeUrl);
    const kind = detail.typeUrl.slice(detail.typeUrl.lastIndexOf("/") + 1);
    if (!kind.endsWith("+json")) continue;
    let value: unknown;
    try {
      value = JSON.parse(new TextDecoder().decode(detail.value));
    } catch {
      continue;
    }
    if (kind === "errdefs.Vertex+json") {
      failure.vertexDigest ??= (value as { digest?: string }).digest;
    } else if (kind === "errdefs.Source+json") {
      const source = value as SourceJson;
      failure.sources.push({
        filename: source.info?.filename ?? "",
        ranges: (source.ranges ?? []).map((r) => ({
          start: { line: r.start?.line ?? 0, character: r.start?.character ?? 0 },
          end: { line: r.end?.line ?? 0, character: r.end?.character ?? 0 },
        })),
      });
    }
  }
  return failure;
}

/**
 * A build the daemon ran and that failed: EbuildError("build") positioned at the failing step's
 * source when the Definition carried a source map, with the failing vertex for the progress view.
 */
export class BuildFailedError extends EbuildError {
  readonly failure: BuildFailure | undefined;

  constructor(error: GrpcError) {
    const failure = decodeBuildFailure(error.details);
    const source = failure?.sources.find((s) => s.filename && s.ranges.length > 0);
    const start = source?.ranges[0]?.start;
    super("build", error.message, {
      cause: error,
      // Source maps count characters from 0; ebuild's positions count columns from 1.
      ...(source && start ? { at: { file: source.filename, line: start.line, column: start.character + 1 } } : {}),
    });
    this.failure = failure;
  }

  get vertexDigest(): string | undefined {
    return this.failure?.vertexDigest;
  }
}
