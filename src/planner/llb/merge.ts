/** Merge and diff ops: layering filesystems without copying (BuildKit's MergeOp and DiffOp). */
import type { OpMetadata } from "../../gen/pb/ops_pb.js";
import { opMetadata, writeConstraints, type OpOptions } from "./constraints.js";
import type { SourceLocation } from "./sourcemap.js";
import { State } from "./state.js";
import { writeInputs, type EncodeContext, type Output, type Vertex } from "./vertex.js";
import type { WireWriter } from "./wire.js";
import type { WrittenOp } from "./written-op.js";

/** The states' filesystems layered in order, later ones on top; settings come from the first. */
export function merge(states: readonly State[], options: OpOptions = {}): State {
  // Scratch layers add nothing.
  const layers = states.filter((s) => s.output !== undefined);
  if (layers.length === 0) return states[0] ?? State.scratch();
  if (layers.length === 1) return layers[0]!;
  const vertex = new MergeVertex(layers.map((s) => s.output!), options);
  return layers[0]!.withOutput({ vertex, index: 0 });
}

/** What `upper` changed compared with `lower`, as a layer to merge elsewhere. */
export function diff(lower: State, upper: State, options: OpOptions = {}): State {
  if (lower.output === undefined) return upper;
  const vertex = new DiffVertex(lower.output, upper.output, options);
  return lower.withOutput({ vertex, index: 0 });
}

class MergeVertex implements Vertex {
  written: WrittenOp | undefined = undefined;
  constructor(
    readonly layers: readonly Output[],
    readonly options: OpOptions,
  ) {}

  inputs(): readonly Output[] {
    return this.layers;
  }

  write(w: WireWriter, ctx: EncodeContext): void {
    // Each layer is its own input, even when two layers are the same state.
    writeInputs(w, this.layers.map((o) => ctx.inputOf(o)));
    w.begin(6); // Op.merge
    this.layers.forEach((_, i) => w.begin(1).int(1, i).end());
    w.end();
    writeConstraints(w, this.options.workerConstraints);
  }

  metadata(): OpMetadata {
    return opMetadata(this.options, ["mergeop"]);
  }

  locations(): readonly SourceLocation[] {
    return this.options.location ? [this.options.location] : [];
  }
}

class DiffVertex implements Vertex {
  written: WrittenOp | undefined = undefined;
  constructor(
    readonly lower: Output,
    readonly upper: Output | undefined,
    readonly options: OpOptions,
  ) {}

  inputs(): readonly Output[] {
    return this.upper ? [this.lower, this.upper] : [this.lower];
  }

  write(w: WireWriter, ctx: EncodeContext): void {
    writeInputs(w, this.upper ? [ctx.inputOf(this.lower), ctx.inputOf(this.upper)] : [ctx.inputOf(this.lower)]);
    w.begin(7); // Op.diff
    w.begin(1).int(1, 0).end(); // lower
    w.begin(2).int(1, this.upper ? 1 : -1).end(); // upper
    w.end();
    writeConstraints(w, this.options.workerConstraints);
  }

  metadata(): OpMetadata {
    return opMetadata(this.options, ["diffop"]);
  }

  locations(): readonly SourceLocation[] {
    return this.options.location ? [this.options.location] : [];
  }
}
