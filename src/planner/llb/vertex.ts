/** The graph nodes behind States: each vertex turns into one LLB op when marshalled. */
import type { OpMetadata } from "../../gen/pb/ops_pb.js";
import type { Platform } from "./constraints.js";
import type { SourceLocation } from "./sourcemap.js";
import type { WireWriter } from "./wire.js";
import type { WrittenOp } from "./written-op.js";

/** One output of a vertex: what a State's filesystem is. */
export interface Output {
  readonly vertex: Vertex;
  readonly index: number;
}

/** An op's reference to one output of another op (pb.Input). */
export interface OpInput {
  readonly digest: string;
  readonly index: number;
  /** The op as marshal wrote it, when it did: its digest's bytes are copied, not encoded again. */
  readonly written?: WrittenOp;
}

/** What marshal passes to a vertex while encoding it. */
export interface EncodeContext {
  /** The wire reference to an output of an already marshalled vertex. */
  inputOf(output: Output): OpInput;
  /** The platform for ops that name none. */
  readonly platform: Platform;
}

/** A node of the build graph. Vertices are immutable; marshal encodes each once. */
export interface Vertex {
  /** The outputs this vertex reads; marshal encodes them first. */
  inputs(): readonly Output[];
  /** Writes the vertex as a pb.Op (its digest is the hash of these bytes). */
  write(w: WireWriter, ctx: EncodeContext): void;
  /** The op's metadata (description, ignore-cache, capabilities): not part of its digest. */
  metadata(): OpMetadata;
  /** Where in a Buildfile the op came from. */
  locations(): readonly SourceLocation[];
  /**
   * marshal's memo of this vertex's op, one per default platform; nothing else reads or sets it. A
   * field rather than a WeakMap entry: planning thousands of ops looks it up for every input.
   */
  written: WrittenOp | undefined;
}

/** Adds `input` to `inputs` unless an equal input is already there; returns its index. */
export function addInput(inputs: OpInput[], input: OpInput): number {
  const found = inputs.findIndex((i) => i.digest === input.digest && i.index === input.index);
  if (found >= 0) return found;
  inputs.push(input);
  return inputs.length - 1;
}

/** Writes Op.inputs (field 1). */
export function writeInputs(w: WireWriter, inputs: readonly OpInput[]): void {
  for (const input of inputs) {
    w.begin(1);
    const op = input.written;
    if (op !== undefined) w.bytesFrom(1, op.digestChunk, op.digestStart, op.digestStart + op.digest.length);
    else w.string(1, input.digest);
    w.int(2, input.index).end();
  }
}
