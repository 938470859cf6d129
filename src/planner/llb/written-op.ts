/** A vertex's op as marshal encoded it: bytes and digest, and what only definitions need, made when first asked. */
import type { OpMetadata } from "../../gen/pb/ops_pb.js";
import { opRecord } from "./definition-bytes.js";
import type { SourceLocation } from "./sourcemap.js";
import type { Vertex } from "./vertex.js";

export class WrittenOp {
  #metadata: OpMetadata | undefined;
  #record: Uint8Array | undefined;
  #locations: readonly SourceLocation[] | undefined;

  constructor(
    readonly vertex: Vertex,
    readonly bytes: Uint8Array,
    readonly digest: string,
    /** The digest as bytes (ASCII), for the ops that take this one as an input. */
    readonly digestBytes: Uint8Array,
    /** The default platform it was written for (`os/arch/variant`). */
    readonly platformKey: string,
    /** The same vertex written for another default platform, if any. */
    readonly other: WrittenOp | undefined,
  ) {}

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
