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
  LocationSchema,
  PositionSchema,
  RangeSchema,
  type Location,
  type OpMetadata,
} from "../../gen/pb/ops_pb.js";
import { defaultPlatform, mergeMetadata, opMetadata, type Platform } from "./constraints.js";
import { join, locationsRecord, messageRecord, metadataRecord, opRecord, sourceInfoRecord } from "./definition-bytes.js";
import { WrittenOp, writtenFor } from "./written-op.js";
import { digestOf } from "./digest.js";
import { sameSourceMap, type SourceLocation, type SourceMap } from "./sourcemap.js";
import type { State } from "./state.js";
import { writeInputs, type EncodeContext, type OpInput, type Output, type Vertex } from "./vertex.js";
import { WireWriter } from "./wire.js";

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
  const graph = new GraphWriter(options.platform ?? defaultPlatform, true);
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

/**
 * The digest of the op holding each state's output ("" for scratch), as {@link marshal} would
 * report them in `outputs`, without serializing a Definition.
 */
export function outputDigests(states: readonly State[], options: MarshalOptions = {}): string[] {
  const graph = new GraphWriter(options.platform ?? defaultPlatform, false);
  return states.map((s) => (s.output ? graph.add(s.output.vertex) : ""));
}

/** One writer for every op: ops are written one at a time, and reusing its buffer saves garbage. */
const wire = new WireWriter();

/**
 * Encodes vertices into ops, each once, parents before children. Vertices are immutable and their
 * inputs' digests deterministic, so an op's bytes depend only on the vertex and the default
 * platform: each vertex keeps its written op (`Vertex.written`) across marshal calls, so planning
 * many outputs that share a graph encodes and hashes each op once.
 */
class GraphWriter {
  /** Vertices already in this definition (a writer for digests alone needs only the memo). */
  private readonly added = new Set<Vertex>();
  private readonly ops: WrittenOp[] = [];
  private readonly digests: string[] = [];
  private readonly metadata = new Map<string, OpMetadata>();
  private readonly locations = new Map<string, SourceLocation[]>();
  private readonly ctx: EncodeContext;
  private readonly platformKey: string;

  /** `forDefinition`: gather metadata and locations too (digests alone need neither). */
  constructor(
    platform: Platform,
    private readonly forDefinition: boolean,
  ) {
    this.ctx = { platform, inputOf: (o) => this.inputOf(o) };
    this.platformKey = `${platform.os}/${platform.architecture}/${platform.variant ?? ""}`;
  }

  /** The wire input for an output whose vertex was already added. */
  inputOf(output: Output): OpInput {
    const op = writtenFor(output.vertex, this.platformKey);
    if (op === undefined) throw new EbuildError("internal", "LLB input marshalled before its vertex");
    return { digest: op.digest, index: output.index, written: op };
  }

  /** Whether the vertex is done: in this definition, or (for digests alone) written before, inputs and all. */
  private has(vertex: Vertex): boolean {
    return this.forDefinition ? this.added.has(vertex) : writtenFor(vertex, this.platformKey) !== undefined;
  }

  /** Adds a vertex and everything it reads; returns its digest. */
  add(root: Vertex): string {
    if (this.has(root)) return writtenFor(root, this.platformKey)!.digest;
    // Step digests come in walk order: a vertex's inputs are mostly written already.
    if (root.inputs().every((input) => this.has(input.vertex))) {
      this.write(root);
      return writtenFor(root, this.platformKey)!.digest;
    }
    // Iterative post-order walk: deep chains of RUNs must not overflow the stack. A vertex is
    // pushed once to expand its inputs and then marked to be written when it is on top again.
    const stack: Vertex[] = [root];
    const expanded: boolean[] = [false];
    while (stack.length > 0) {
      const top = stack.length - 1;
      const vertex = stack[top]!;
      if (this.has(vertex)) {
        stack.pop();
        expanded.pop();
        continue;
      }
      if (!expanded[top]) {
        expanded[top] = true;
        const inputs = vertex.inputs();
        for (let i = inputs.length - 1; i >= 0; i--) {
          const v = inputs[i]!.vertex;
          if (!this.has(v)) {
            stack.push(v);
            expanded.push(false);
          }
        }
        continue;
      }
      stack.pop();
      expanded.pop();
      this.write(vertex);
    }
    return writtenFor(root, this.platformKey)!.digest;
  }

  private write(vertex: Vertex): void {
    const op = this.opOf(vertex);
    if (!this.forDefinition) return;
    const digest = op.digest;
    this.added.add(vertex);
    const known = this.metadata.get(digest);
    this.metadata.set(digest, known ? mergeMetadata(known, op.metadata()) : op.metadata());
    const locations = op.locations();
    if (locations.length > 0) {
      // The vertex's own array is kept when it is the only one, so its encoding can be reused.
      const before = this.locations.get(digest);
      this.locations.set(digest, before ? [...before, ...locations] : (locations as SourceLocation[]));
    }
    if (known) return; // an identical op is already in the definition
    this.ops.push(op);
    this.digests.push(digest);
  }

  private opOf(vertex: Vertex): WrittenOp {
    const known = writtenFor(vertex, this.platformKey);
    if (known !== undefined) return known;
    vertex.write(wire, this.ctx);
    const chunk = wire.chunk;
    const start = wire.messageStart;
    const end = wire.position;
    wire.keep();
    const digest = digestOf(chunk.subarray(start, end));
    wire.writeText(digest);
    const digestChunk = wire.chunk;
    const digestStart = wire.messageStart;
    wire.keep();
    const written = new WrittenOp(vertex, chunk, start, end, digest, digestChunk, digestStart, this.platformKey, vertex.written);
    vertex.written = written;
    return written;
  }

  /** Appends the terminal op and serializes the Definition. */
  finish(root: OpInput, outputs: readonly string[]): MarshalledDefinition {
    writeInputs(wire, [root]);
    const terminal = wire.take();
    const terminalDigest = digestOf(terminal);
    // The terminal op asks for the capabilities the whole graph's metadata needs.
    const caps = ["constraints", "platform"];
    for (const md of this.metadata.values()) {
      if (md.ignoreCache) caps.push("meta.ignorecache");
      if (Object.keys(md.description).length > 0) caps.push("meta.description");
    }
    this.metadata.set(terminalDigest, opMetadata({}, caps));
    // Joined from cached records rather than encoded whole: see definition-bytes.ts.
    const parts: Uint8Array[] = [...this.ops.map((op) => op.record()), opRecord(terminal)];
    for (const digest of [...this.metadata.keys()].sort()) parts.push(metadataRecord(digest, this.metadata.get(digest)!));
    const source = this.sourceBytes();
    if (source) parts.push(messageRecord(3, source));
    return {
      definition: join(parts),
      digests: [...this.digests, terminalDigest],
      rootDigest: root.digest,
      outputs,
    };
  }

  /** Definition.source: each distinct file once, and the locations of each op by digest. */
  private sourceBytes(): Uint8Array | undefined {
    if (this.locations.size === 0) return undefined;
    const files: SourceMap[] = [];
    const indexOf = (map: SourceMap): number => {
      let i = files.findIndex((f) => sameSourceMap(f, map));
      if (i < 0) i = files.push(map) - 1;
      return i;
    };
    const records = new Map<string, Uint8Array>();
    // Files are numbered in op order so the same graph always gives the same indexes.
    for (const digest of this.digests) {
      const locs = this.locations.get(digest);
      if (!locs) continue;
      records.set(digest, this.locationsOf(digest, locs, locs.map((l) => indexOf(l.source))));
    }
    const parts: Uint8Array[] = [];
    for (const digest of [...records.keys()].sort()) parts.push(records.get(digest)!);
    for (const file of files) parts.push(sourceInfoRecord(file));
    return join(parts);
  }

  /** One op's Source.locations record, kept per locations array, digest and file numbering. */
  private locationsOf(digest: string, locs: readonly SourceLocation[], indexes: readonly number[]): Uint8Array {
    const key = `${digest} ${indexes.join(",")}`;
    let byKey = locationRecords.get(locs);
    const cached = byKey?.get(key);
    if (cached) return cached;
    const locations: Location[] = locs.map((l, i) =>
      create(LocationSchema, {
        sourceIndex: indexes[i]!,
        ranges: l.ranges.map((r) =>
          create(RangeSchema, {
            start: create(PositionSchema, r.start),
            end: create(PositionSchema, r.end),
          }),
        ),
      }),
    );
    const bytes = locationsRecord(digest, locations);
    if (!byKey) locationRecords.set(locs, (byKey = new Map()));
    byKey.set(key, bytes);
    return bytes;
  }
}

/** Encoded Source.locations records, kept across marshal calls like the ops themselves. */
const locationRecords = new WeakMap<readonly SourceLocation[], Map<string, Uint8Array>>();
