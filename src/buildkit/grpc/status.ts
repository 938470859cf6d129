/**
 * gRPC status codes and the typed error a failed call becomes. The daemon reports failures in the
 * `grpc-status` / `grpc-message` trailers (or in the headers of a trailers-only response); a reset
 * stream or a lost connection is mapped to the code grpc-go would report for it.
 */

/** The gRPC status codes, by name. */
export const GrpcCode = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;
export type GrpcCode = (typeof GrpcCode)[keyof typeof GrpcCode];

const codeNames = new Map<number, string>(Object.entries(GrpcCode).map(([name, code]) => [code, name]));

/** The name of a status code ("NOT_FOUND"), or "CODE_<n>" for codes gRPC does not define. */
export function grpcCodeName(code: number): string {
  return codeNames.get(code) ?? `CODE_${code}`;
}

/** A gRPC call that ended with a status other than OK. */
export class GrpcError extends Error {
  readonly code: GrpcCode;
  /** The method that failed, e.g. "/moby.buildkit.v1.Control/Solve". */
  readonly method: string;
  /** The serialized google.rpc.Status from `grpc-status-details-bin`, when the server sent one. */
  readonly details: Uint8Array | undefined;

  constructor(code: GrpcCode, message: string, method: string, options: { details?: Uint8Array; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "GrpcError";
    this.code = code;
    this.method = method;
    this.details = options.details;
  }

  get codeName(): string {
    return grpcCodeName(this.code);
  }
}

type HeaderValue = string | string[] | number | undefined;

function first(value: HeaderValue): string | undefined {
  if (Array.isArray(value)) return value[0];
  return value === undefined ? undefined : String(value);
}

/** Reads the status out of trailers (or trailers-only headers); undefined when none is present. */
export function statusFromHeaders(
  headers: Record<string, HeaderValue>,
  method: string,
): { code: GrpcCode; error?: GrpcError } | undefined {
  const raw = first(headers["grpc-status"]);
  if (raw === undefined) return undefined;
  const code = Number.parseInt(raw, 10) as GrpcCode;
  if (code === GrpcCode.OK) return { code };
  const message = decodeGrpcMessage(first(headers["grpc-message"]) ?? "");
  const detailsText = first(headers["grpc-status-details-bin"]);
  const details = detailsText ? Buffer.from(detailsText, "base64") : undefined;
  return {
    code,
    error: new GrpcError(code, message || grpcCodeName(code).toLowerCase(), method, details ? { details } : {}),
  };
}

/** `grpc-message` is percent-encoded (gRPC over HTTP/2 spec); a malformed one is kept as sent. */
export function decodeGrpcMessage(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Maps an HTTP status to a gRPC code when a response carries no grpc-status at all (a proxy or a
 * daemon that is not speaking gRPC), following the gRPC "HTTP to gRPC status code mapping".
 */
export function codeFromHttpStatus(status: number): GrpcCode {
  switch (status) {
    case 400:
      return GrpcCode.INTERNAL;
    case 401:
      return GrpcCode.UNAUTHENTICATED;
    case 403:
      return GrpcCode.PERMISSION_DENIED;
    case 404:
      return GrpcCode.UNIMPLEMENTED;
    case 429:
    case 502:
    case 503:
    case 504:
      return GrpcCode.UNAVAILABLE;
    default:
      return GrpcCode.UNKNOWN;
  }
}
