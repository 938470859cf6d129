/**
 * A State from a Definition someone else marshalled: how the result of BuildKit's Dockerfile
 * frontend becomes a state the planner builds on (like `llb.NewDefinitionOp` in client/llb). Each
 * op of the Definition becomes a vertex of ours; marshal encodes them again, so their digests come
 * from the one place digests are computed and inputs are rewired to those digests.
 */
import { clone, create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { EbuildError } from "../../errors.js";
import { DefinitionSchema, OpMetadataSchema, OpSchema, SourceOpSchema, type Op, type OpMetadata } from "../../gen/pb/ops_pb.js";
import { sortedRecord } from "./constraints.js";
import { digestOf } from "./digest.js";
import { State } from "./state.js";
import { writeInputs, type EncodeContext, type Output, type Vertex } from "./vertex.js";
import type { SourceLocation } from "./sourcemap.js";
import type { WireWriter } from "./wire.js";
import type { WrittenOp } from "./written-op.js";

/** A source op's identifier and attributes, as a rewrite sees and returns them. */
export interface ImportedSource {
  identifier: string;
  attrs: Record<string, string>;
}

export interface ImportOptions {
  /** Changes a source op on its way in (e.g. renames the frontend's own `local` uploads). */
  readonly rewriteSource?: (source: ImportedSource) => ImportedSource;
  /** Where every imported op comes from (the FROM DOCKERFILE line), so a failing step points at it. */
  readonly location?: SourceLocation;
}

/** The state a marshalled pb.Definition's terminal op points at (scratch for an empty one). */
export function fromDefinition(bytes: Uint8Array, options: ImportOptions = {}): State {
  const definition = fromBinary(DefinitionSchema, bytes);
  if (definition.def.length === 0) return State.scratch();
  const ops = new Map<string, Op>();
  for (const opBytes of definition.def) ops.set(digestOf(opBytes), fromBinary(OpSchema, opBytes));
  // BuildKit puts the terminal op (inputs only, no op) last.
  const terminal = fromBinary(OpSchema, definition.def[definition.def.length - 1]!);
  if (terminal.op.case !== undefined || terminal.inputs.length !== 1) {
    throw new EbuildError("internal", "the imported definition does not end with a terminal op");
  }
  const vertices = new Map<string, ImportedVertex>();
  const vertexOf = (digest: string): ImportedVertex => {
    const known = vertices.get(digest);
    if (known) return known;
    const op = ops.get(digest);
    if (op === undefined) throw new EbuildError("internal", `the imported definition lacks op ${digest}`);
    // Inputs first: a definition lists parents before children, so recursion stays shallow in practice.
    const inputs = op.inputs.map((i) => ({ vertex: vertexOf(i.digest), index: Number(i.index) }));
    const metadata = clone(OpMetadataSchema, definition.metadata[digest] ?? create(OpMetadataSchema, {}));
    // Maps in key order, so the same definition imports to the same bytes every time.
    metadata.description = sortedRecord(metadata.description);
    metadata.caps = sortedRecord(metadata.caps);
    const vertex = new ImportedVertex(rewritten(op, options), inputs, metadata, options.location === undefined ? [] : [options.location]);
    vertices.set(digest, vertex);
    return vertex;
  };
  const root = terminal.inputs[0]!;
  return State.fromOutput({ vertex: vertexOf(root.digest), index: Number(root.index) });
}

function rewritten(op: Op, options: ImportOptions): Op {
  if (op.op.case !== "source" || options.rewriteSource === undefined) return op;
  const next = options.rewriteSource({ identifier: op.op.value.identifier, attrs: { ...op.op.value.attrs } });
  const copy = clone(OpSchema, op);
  copy.op = { case: "source", value: create(SourceOpSchema, { identifier: next.identifier, attrs: sortedRecord(next.attrs) }) };
  return copy;
}

/** One op of an imported definition; its inputs are other imported vertices. */
class ImportedVertex implements Vertex {
  written: WrittenOp | undefined = undefined;
  /** The op's fields after its inputs (field 1), encoded once: inputs are rewired at marshal time. */
  private readonly rest: Uint8Array;

  constructor(
    op: Op,
    private readonly parents: readonly Output[],
    private readonly opMetadata: OpMetadata,
    private readonly sourceLocations: readonly SourceLocation[],
  ) {
    const withoutInputs = clone(OpSchema, op);
    withoutInputs.inputs = [];
    this.rest = toBinary(OpSchema, withoutInputs);
  }

  inputs(): readonly Output[] {
    return this.parents;
  }

  write(w: WireWriter, ctx: EncodeContext): void {
    // Field order is inputs first, then the rest, as protobuf-es writes a whole Op.
    writeInputs(w, this.parents.map((p) => ctx.inputOf(p)));
    w.raw(this.rest);
  }

  metadata(): OpMetadata {
    return this.opMetadata;
  }

  locations(): readonly SourceLocation[] {
    return this.sourceLocations;
  }
}
