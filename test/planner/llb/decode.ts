/** Test helpers: decode a marshalled Definition back into messages with fromBinary. */
import { fromBinary } from "@bufbuild/protobuf";
import { DefinitionSchema, OpSchema, type Definition, type Op, type OpMetadata } from "../../../src/gen/pb/ops_pb.js";
import { marshal, type State } from "../../../src/planner/llb/index.js";

/** A marshalled state decoded: the Definition, its ops in order and the op holding the state. */
export interface Decoded {
  readonly definition: Definition;
  readonly ops: readonly Op[];
  readonly digests: readonly string[];
  /** The op the terminal op points at, and its metadata. */
  readonly root: Op;
  readonly rootMetadata: OpMetadata;
  /** The capabilities the terminal op asks for. */
  readonly terminalCaps: readonly string[];
  /** The op with the given digest. */
  byDigest(digest: string): Op;
}

/** Marshals a state and decodes the result. */
export function decode(state: State): Decoded {
  const m = marshal(state);
  const definition = fromBinary(DefinitionSchema, m.definition);
  const ops = definition.def.map((b) => fromBinary(OpSchema, b));
  const byDigest = (digest: string): Op => {
    const i = m.digests.indexOf(digest);
    if (i < 0) throw new Error(`no op ${digest}`);
    return ops[i]!;
  };
  const terminal = definition.metadata[m.digests[m.digests.length - 1]!];
  return {
    definition,
    ops,
    digests: m.digests,
    root: byDigest(m.rootDigest),
    rootMetadata: definition.metadata[m.rootDigest]!,
    terminalCaps: Object.keys(terminal?.caps ?? {}),
    byDigest,
  };
}
