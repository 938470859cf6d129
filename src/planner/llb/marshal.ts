/**
 * marshal: turns States into a serialized pb.Definition, the form the daemon solves. Ops are
 * encoded once each, parents first, identical ops are kept once (by digest), metadata is keyed by
 * digest, and a terminal op pointing at the output comes last, as BuildKit expects. The bytes are
 * deterministic: the same states give the same digests on every run and machine.
 */
import { create, toBinary } from "@bufbuild/protobuf";
import { EbuildError } from "../../errors.js";
import {
  DefinitionSchema,
  InputSchema,
  LocationSchema,
  LocationsSchema,
  OpSchema,
  PositionSchema,
  RangeSchema,
  SourceInfoSchema,
  SourceSchema,
  type Input,
  type Location,
  type OpMetadata,
  type Source,
} from "../../gen/pb/ops_pb.js";
import { defaultPlatform, mergeMetadata, opMetadata, type Platform } from "./constraints.js";
import { digestOf } from "./digest.js";
import { sameSourceMap, type SourceLocation, type SourceMap } from "./sourcemap.js";
import type { State } from "./state.js";
import type { EncodeContext, EncodedOp, Output, Vertex } from "./vertex.js";

/** Options of {@link marshal}. */
export interface MarshalOptions {
  /** The platform of ops that name none (default linux/amd64); pass the daemon's or the user's. */
  readonly platform?: Platform;
}

/** A marshalled build graph. */
export interface MarshalledDefinition {
  /** The serialized pb.Definition. */
  readonly definition: Uint8Array;
  /** The digest of every op in `definition`, in order; the terminal op is last. */
  readonly digests: readonly string[];
  /** The digest of the op whose output the terminal op points at; "" for an empty (scratch) state. */
  readonly rootDigest: string;
  /** For each marshalled state, the digest of the op holding its output ("" for scratch). */
  readonly outputs: readonly string[];
}

/**
 * Marshals a state, or several states into one Definition that shares their common ops (the
 * terminal op then points at the last state; `outputs` names each state's op).
 */
export function marshal(states: State | readonly State[], options: MarshalOptions = {}): MarshalledDefinition {
  const list = Array.isArray(states) ? (states as readonly State[]) : [states as State];
  const graph = new GraphWriter(options.platform ?? defaultPlatform);
  const outputs = list.map((s) => (s.output ? graph.add(s.output.vertex) : ""));
  const last = list[list.length - 1]?.output;
  if (!last) {
    return {
      definition: toBinary(DefinitionSchema, create(DefinitionSchema, {})),
      digests: [],
      rootDigest: "",
      outputs,
    };
  }
  return graph.finish(graph.inputOf(last), outputs);
}

/** A vertex's op as marshalled for one default platform. */
interface WrittenOp {
  readonly bytes: Uint8Array;
  readonly digest: string;
  readonly encoded: EncodedOp;
}

/**
 * Vertices are immutable and their inputs' digests deterministic, so an op's bytes depend only on
 * the vertex and the default platform: kept across marshal calls, so that planning many outputs
 * that share a graph encodes and hashes each op once.
 */
const writtenOps = new WeakMap<Vertex, Map<string, WrittenOp>>();

/** Encodes vertices into ops, each once, parents before children. */
class GraphWriter {
  private readonly digestByVertex = new Map<Vertex, string>();
  private readonly defs: Uint8Array[] = [];
  private readonly digests: string[] = [];
  private readonly metadata = new Map<string, OpMetadata>();
  private readonly locations = new Map<string, SourceLocation[]>();
  private readonly ctx: EncodeContext;

  constructor(platform: Platform) {
    this.ctx = { platform, inputOf: (o) => this.inputOf(o) };
  }

  /** The wire input for an output whose vertex was already added. */
  inputOf(output: Output): Input {
    const digest = this.digestByVertex.get(output.vertex);
    if (digest === undefined) throw new EbuildError("internal", "LLB input marshalled before its vertex");
    return create(InputSchema, { digest, index: BigInt(output.index) });
  }

  /** Adds a vertex and everything it reads; returns its digest. */
  add(root: Vertex): string {
    // Iterative post-order walk: deep chains of RUNs must not overflow the stack.
    const stack: { vertex: Vertex; expanded: boolean }[] = [{ vertex: root, expanded: false }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (this.digestByVertex.has(top.vertex)) {
        stack.pop();
        continue;
      }
      if (!top.expanded) {
        top.expanded = true;
        const inputs = top.vertex.inputs();
        for (let i = inputs.length - 1; i >= 0; i--) {
          const v = inputs[i]!.vertex;
          if (!this.digestByVertex.has(v)) stack.push({ vertex: v, expanded: false });
        }
        continue;
      }
      stack.pop();
      this.write(top.vertex);
    }
    return this.digestByVertex.get(root)!;
  }

  private write(vertex: Vertex): void {
    const { bytes, digest, encoded } = this.opOf(vertex);
    this.digestByVertex.set(vertex, digest);
    const known = this.metadata.get(digest);
    this.metadata.set(digest, known ? mergeMetadata(known, encoded.metadata) : encoded.metadata);
    if (encoded.locations.length > 0) {
      this.locations.set(digest, [...(this.locations.get(digest) ?? []), ...encoded.locations]);
    }
    if (known) return; // an identical op is already in the definition
    this.defs.push(bytes);
    this.digests.push(digest);
  }

  private opOf(vertex: Vertex): WrittenOp {
    const platformKey = `${this.ctx.platform.os}/${this.ctx.platform.architecture}/${this.ctx.platform.variant ?? ""}`;
    let byPlatform = writtenOps.get(vertex);
    const cached = byPlatform?.get(platformKey);
    if (cached) return cached;
    const encoded = vertex.encode(this.ctx);
    const bytes = toBinary(OpSchema, encoded.op);
    const written = { bytes, digest: digestOf(bytes), encoded };
    if (!byPlatform) writtenOps.set(vertex, (byPlatform = new Map()));
    byPlatform.set(platformKey, written);
    return written;
  }

  /** Appends the terminal op and serializes the Definition. */
  finish(root: Input, outputs: readonly string[]): MarshalledDefinition {
    const terminal = toBinary(OpSchema, create(OpSchema, { inputs: [root] }));
    const terminalDigest = digestOf(terminal);
    // The terminal op asks for the capabilities the whole graph's metadata needs.
    const caps = ["constraints", "platform"];
    for (const md of this.metadata.values()) {
      if (md.ignoreCache) caps.push("meta.ignorecache");
      if (Object.keys(md.description).length > 0) caps.push("meta.description");
    }
    this.metadata.set(terminalDigest, opMetadata({}, caps));
    const metadata: Record<string, OpMetadata> = {};
    for (const digest of [...this.metadata.keys()].sort()) metadata[digest] = this.metadata.get(digest)!;
    const definition = create(DefinitionSchema, {
      def: [...this.defs, terminal],
      metadata,
      source: this.sourceMessage(),
    });
    return {
      definition: toBinary(DefinitionSchema, definition),
      digests: [...this.digests, terminalDigest],
      rootDigest: root.digest,
      outputs,
    };
  }

  /** Definition.source: each distinct file once, and the locations of each op by digest. */
  private sourceMessage(): Source | undefined {
    if (this.locations.size === 0) return undefined;
    const files: SourceMap[] = [];
    const indexOf = (map: SourceMap): number => {
      let i = files.findIndex((f) => sameSourceMap(f, map));
      if (i < 0) i = files.push(map) - 1;
      return i;
    };
    const locations: Record<string, { locations: Location[] }> = {};
    // Files are numbered in op order so the same graph always gives the same indexes.
    for (const digest of this.digests) {
      const locs = this.locations.get(digest);
      if (!locs) continue;
      locations[digest] = {
        locations: locs.map((l) =>
          create(LocationSchema, {
            sourceIndex: indexOf(l.source),
            ranges: l.ranges.map((r) =>
              create(RangeSchema, {
                start: create(PositionSchema, r.start),
                end: create(PositionSchema, r.end),
              }),
            ),
          }),
        ),
      };
    }
    const sorted: Record<string, ReturnType<typeof create<typeof LocationsSchema>>> = {};
    for (const digest of Object.keys(locations).sort()) sorted[digest] = create(LocationsSchema, locations[digest]!);
    return create(SourceSchema, {
      locations: sorted,
      infos: files.map((f) => create(SourceInfoSchema, { filename: f.file, data: f.data, language: f.language })),
    });
  }
}
