/** The graph nodes behind States: each vertex turns into one LLB op when marshalled. */
import type { Input, Op, OpMetadata } from "../../gen/pb/ops_pb.js";
import type { Platform } from "./constraints.js";
import type { SourceLocation } from "./sourcemap.js";

/** One output of a vertex: what a State's filesystem is. */
export interface Output {
  readonly vertex: Vertex;
  readonly index: number;
}

/** What marshal passes to a vertex while encoding it. */
export interface EncodeContext {
  /** The wire reference to an output of an already marshalled vertex. */
  inputOf(output: Output): Input;
  /** The platform for ops that name none. */
  readonly platform: Platform;
}

/** A vertex encoded: its op (inputs included), metadata and where it came from. */
export interface EncodedOp {
  readonly op: Op;
  readonly metadata: OpMetadata;
  readonly locations: readonly SourceLocation[];
}

/** A node of the build graph. Vertices are immutable; marshal encodes each once per call. */
export interface Vertex {
  /** The outputs this vertex reads; marshal encodes them first. */
  inputs(): readonly Output[];
  /** Encodes the vertex as an op. */
  encode(ctx: EncodeContext): EncodedOp;
}

/** Adds `output` to `inputs` unless an equal input is already there; returns its index. */
export function addInput(inputs: Input[], input: Input): number {
  const found = inputs.findIndex((i) => i.digest === input.digest && i.index === input.index);
  if (found >= 0) return found;
  inputs.push(input);
  return inputs.length - 1;
}
