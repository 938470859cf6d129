/** Merge and diff ops: layering filesystems without copying (BuildKit's MergeOp and DiffOp). */
import { create } from "@bufbuild/protobuf";
import {
  DiffOpSchema,
  LowerDiffInputSchema,
  MergeInputSchema,
  MergeOpSchema,
  OpSchema,
  UpperDiffInputSchema,
  type Input,
} from "../../gen/pb/ops_pb.js";
import { opMetadata, workerConstraintsMessage, type OpOptions } from "./constraints.js";
import { State } from "./state.js";
import type { EncodeContext, EncodedOp, Output, Vertex } from "./vertex.js";

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
  constructor(
    readonly layers: readonly Output[],
    readonly options: OpOptions,
  ) {}

  inputs(): readonly Output[] {
    return this.layers;
  }

  encode(ctx: EncodeContext): EncodedOp {
    // Each layer is its own input, even when two layers are the same state.
    const inputs: Input[] = this.layers.map((o) => ctx.inputOf(o));
    const op = create(OpSchema, {
      inputs,
      op: {
        case: "merge",
        value: create(MergeOpSchema, { inputs: inputs.map((_, i) => create(MergeInputSchema, { input: BigInt(i) })) }),
      },
      constraints: workerConstraintsMessage(this.options.workerConstraints),
    });
    return {
      op,
      metadata: opMetadata(this.options, ["mergeop"]),
      locations: this.options.location ? [this.options.location] : [],
    };
  }
}

class DiffVertex implements Vertex {
  constructor(
    readonly lower: Output,
    readonly upper: Output | undefined,
    readonly options: OpOptions,
  ) {}

  inputs(): readonly Output[] {
    return this.upper ? [this.lower, this.upper] : [this.lower];
  }

  encode(ctx: EncodeContext): EncodedOp {
    const inputs: Input[] = [ctx.inputOf(this.lower)];
    if (this.upper) inputs.push(ctx.inputOf(this.upper));
    const op = create(OpSchema, {
      inputs,
      op: {
        case: "diff",
        value: create(DiffOpSchema, {
          lower: create(LowerDiffInputSchema, { input: 0n }),
          upper: create(UpperDiffInputSchema, { input: this.upper ? 1n : -1n }),
        }),
      },
      constraints: workerConstraintsMessage(this.options.workerConstraints),
    });
    return {
      op,
      metadata: opMetadata(this.options, ["diffop"]),
      locations: this.options.location ? [this.options.location] : [],
    };
  }
}
