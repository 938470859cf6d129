/**
 * Decoding a serialized Definition into plain JSON values, like `buildctl debug dump-llb`: for
 * `ebuild plan --llb` and for tests that check what was marshalled.
 */
import { fromBinary, toJson, type JsonObject } from "@bufbuild/protobuf";
import { DefinitionSchema, OpMetadataSchema, OpSchema } from "../../gen/pb/ops_pb.js";
import { digestOf } from "./digest.js";

/** One op of a dumped Definition. */
export interface DumpedOp {
  readonly digest: string;
  /** The op in protobuf JSON form (bytes as base64, 64-bit numbers as strings). */
  readonly op: JsonObject;
  /** Its metadata (description, ignoreCache, caps), when it has any. */
  readonly metadata?: JsonObject;
  /** Where it came from, as `file:line:col-line:col` strings. */
  readonly locations?: readonly string[];
}

/** A dumped Definition. */
export interface DumpedDefinition {
  readonly ops: readonly DumpedOp[];
  /** The source files carried for error messages, without their text. */
  readonly sources: readonly { readonly filename: string; readonly language: string; readonly size: number }[];
}

/** Decodes a serialized pb.Definition; digests are recomputed from the op bytes, as the daemon does. */
export function dumpDefinition(bytes: Uint8Array): DumpedDefinition {
  const definition = fromBinary(DefinitionSchema, bytes);
  const infos = definition.source?.infos ?? [];
  const ops = definition.def.map((opBytes): DumpedOp => {
    const digest = digestOf(opBytes);
    const md = definition.metadata[digest];
    const locs = definition.source?.locations[digest]?.locations ?? [];
    const locations = locs.flatMap((loc) =>
      loc.ranges.map((r) => {
        const file = infos[loc.sourceIndex]?.filename ?? `#${loc.sourceIndex}`;
        return `${file}:${r.start?.line ?? 0}:${r.start?.character ?? 0}-${r.end?.line ?? 0}:${r.end?.character ?? 0}`;
      }),
    );
    return {
      digest,
      op: toJson(OpSchema, fromBinary(OpSchema, opBytes)) as JsonObject,
      ...(md ? { metadata: toJson(OpMetadataSchema, md) as JsonObject } : {}),
      ...(locations.length > 0 ? { locations } : {}),
    };
  });
  return {
    ops,
    sources: infos.map((i) => ({ filename: i.filename, language: i.language, size: i.data.length })),
  };
}
