/** A vertex's op as marshal encoded it: bytes and digest, and what only definitions need, made when first asked. */
import type { OpMetadata } from "../../gen/pb/ops_pb.js";
import { opRecord } from "./definition-bytes.js";
import type { SourceLocation } from "./sourcemap.js";
import type { Vertex } from "./vertex.js";

/**
 * The op's bytes and its digest's bytes stay in the wire writer's chunks, known by their offsets:
 * two views per op would be two more objects for each of a large plan's ten thousand ops to keep.
 */
export class WrittenOp {
  #metadata: OpMetadata | undefined;
  #record: Uint8Array | undefined;
  #locations: readonly SourceLocation[] | undefined;

  constructor(
    readonly vertex: Vertex,
    /** The chunk holding the op's bytes, from `start` to `end`. */
    readonly chunk: Uint8Array,
    readonly start: number,
    readonly end: number,
    /** `sha256:…`, ASCII. */
    readonly digest: string,
    /** The chunk holding the digest's bytes, from `digestStart` on, for the ops that take this one as an input. */
    readonly digestChunk: Uint8Array,
    readonly digestStart: number,
    /** The default platform it was written for (`os/arch/variant`). */
    readonly platformKey: string,
    /** The same vertex written for another default platform, if any. */
    readonly other: WrittenOp | undefined,
  ) {}

  /** The op's bytes (a view of the chunk). */
  get bytes(): Uint8Array {
    return this.chunk.subarray(this.start, this.end);
  }

  metadata(): OpMetadata {
    return (this.#metadata ??= this.vertex.metadata());
  }

  /** Kept so that the same array (and its cached encoding) is used by every definition. */
  locations(): readonly SourceLocation[] {
    return (this.#locations ??= this.vertex.locations());
  }

  /** The op as a Definition.def record, ready to join. */
  record(): Uint8Array {
    return (this.#record ??= opRecord(this.bytes));
  }
}

/** The op `vertex` was written as for the default platform `platformKey`, if it was. */
export function writtenFor(vertex: Vertex, platformKey: string): WrittenOp | undefined {
  // Nearly every vertex is written for one platform: a short list, not a map per vertex.
  for (let op = vertex.written; op !== undefined; op = op.other) if (op.platformKey === platformKey) return op;
  return undefined;
}
