/**
 * definition-bytes: writes a pb.Definition by joining its fields' records instead of encoding one
 * big message. Planning thousands of outputs that share ops and one Buildfile would otherwise
 * re-encode the same ops, metadata and whole Buildfile text for every output. Each record is
 * encoded by protobuf-es itself (as a one-field message) and cached, and protobuf-es writes fields
 * in field-number order and map entries in insertion order, so the joined bytes are exactly those
 * of `toBinary(DefinitionSchema, …)` for the same message.
 */
import { create, toBinary } from "@bufbuild/protobuf";
import {
  DefinitionSchema,
  SourceInfoSchema,
  SourceSchema,
  type Location,
  type OpMetadata,
} from "../../gen/pb/ops_pb.js";
import type { SourceMap } from "./sourcemap.js";

/** Definition.def (field 1) record for one op's bytes. */
export function opRecord(op: Uint8Array): Uint8Array {
  return join([Uint8Array.of(0x0a), varint(op.length), op]);
}

/** Definition.metadata (field 2) entries: one record per digest, each kept per metadata object. */
const metadataRecords = new WeakMap<OpMetadata, Map<string, Uint8Array>>();

/** The Definition.metadata map entry record for `digest` → `metadata`. */
export function metadataRecord(digest: string, metadata: OpMetadata): Uint8Array {
  let byDigest = metadataRecords.get(metadata);
  const cached = byDigest?.get(digest);
  if (cached) return cached;
  const bytes = toBinary(DefinitionSchema, create(DefinitionSchema, { metadata: { [digest]: metadata } }));
  if (!byDigest) metadataRecords.set(metadata, (byDigest = new Map()));
  byDigest.set(digest, bytes);
  return bytes;
}

/** Source.infos (field 2) records, one per file: a Buildfile's text is encoded once per process. */
const infoRecords = new WeakMap<SourceMap, Uint8Array>();

/** The Source.infos record of one file. */
export function sourceInfoRecord(file: SourceMap): Uint8Array {
  let bytes = infoRecords.get(file);
  if (!bytes) {
    const info = create(SourceInfoSchema, { filename: file.file, data: file.data, language: file.language });
    bytes = toBinary(SourceSchema, create(SourceSchema, { infos: [info] }));
    infoRecords.set(file, bytes);
  }
  return bytes;
}

/** The Source.locations map entry record for one op's locations. */
export function locationsRecord(digest: string, locations: Location[]): Uint8Array {
  return toBinary(SourceSchema, create(SourceSchema, { locations: { [digest]: { locations } } }));
}

/** A length-delimited record of a Definition field holding an already encoded message. */
export function messageRecord(field: number, message: Uint8Array): Uint8Array {
  return join([varint((field << 3) | 2), varint(message.length), message]);
}

/** Joins byte arrays into one. */
export function join(parts: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const p of parts) size += p.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function varint(n: number): Uint8Array {
  const bytes: number[] = [];
  while (n > 0x7f) {
    bytes.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  bytes.push(n);
  return Uint8Array.from(bytes);
}
