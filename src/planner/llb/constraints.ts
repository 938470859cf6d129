/**
 * Constraints every op carries: its platform, worker filters and the metadata that does not take
 * part in its digest (description for progress, ignore-cache, the capabilities it needs).
 */
import { create } from "@bufbuild/protobuf";
import { EbuildError } from "../../errors.js";
import { OpMetadataSchema, type OpMetadata } from "../../gen/pb/ops_pb.js";
import type { SourceLocation } from "./sourcemap.js";
import type { WireWriter } from "./wire.js";

/** An OCI platform such as linux/amd64 or linux/arm/v7. */
export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
  readonly osVersion?: string;
}

/** The platform used for ops that name none, unless `marshal` is given another. */
export const defaultPlatform: Platform = { os: "linux", architecture: "amd64" };

/** Options every op accepts. */
export interface OpOptions {
  /** The platform the op is built for; defaults to the state's platform, then marshal's default. */
  readonly platform?: Platform;
  /** containerd-style filters choosing the worker. */
  readonly workerConstraints?: readonly string[];
  /** Never take this op from the cache. */
  readonly ignoreCache?: boolean;
  /** The name shown for the op in progress output (`llb.customname`). */
  readonly description?: string;
  /** Where in a Buildfile the op came from. */
  readonly location?: SourceLocation;
}

/** Parses `os/arch[/variant]`, e.g. `linux/arm64` or `linux/arm/v7`. */
export function parsePlatform(text: string): Platform {
  const [os, architecture, variant, ...rest] = text.split("/");
  if (!os || !architecture || rest.length > 0) {
    throw new EbuildError("semantic", `invalid platform "${text}"`, { hint: "write os/arch or os/arch/variant, e.g. linux/arm64" });
  }
  return variant ? { os, architecture, variant } : { os, architecture };
}

/** The `os/arch[/variant]` text of a platform. */
export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join("/");
}

/** Writes Op.platform (field 10). */
export function writePlatform(w: WireWriter, p: Platform): void {
  w.begin(10).string(1, p.architecture).string(2, p.os).string(3, p.variant ?? "").string(4, p.osVersion ?? "").end();
}

/** Writes Op.constraints (field 11): always present on ops, as BuildKit's client writes it. */
export function writeConstraints(w: WireWriter, filters: readonly string[] | undefined): void {
  w.begin(11);
  for (const filter of filters ?? []) w.stringItem(1, filter);
  w.end();
}

/** The metadata of an op: its options plus the capabilities it needs, with map keys sorted. */
export function opMetadata(options: OpOptions, caps: Iterable<string>): OpMetadata {
  const description: Record<string, string> = {};
  if (options.description !== undefined) description["llb.customname"] = options.description;
  return create(OpMetadataSchema, {
    ignoreCache: options.ignoreCache ?? false,
    description,
    caps: sortedFlags(caps),
  });
}

/** Merges the metadata of two ops with the same digest (BuildKit's mergeMetadata). */
export function mergeMetadata(a: OpMetadata, b: OpMetadata): OpMetadata {
  return create(OpMetadataSchema, {
    ignoreCache: a.ignoreCache || b.ignoreCache,
    description: sortedRecord({ ...a.description, ...b.description }),
    caps: sortedFlags([...Object.keys(a.caps), ...Object.keys(b.caps)]),
  });
}

/** A `{ cap: true }` record with sorted keys, so map entries serialize in a stable order. */
export function sortedFlags(keys: Iterable<string>): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const k of [...new Set(keys)].sort()) out[k] = true;
  return out;
}

/** A copy of `r` with its keys inserted in sorted order (protobuf-es writes maps in key order). */
export function sortedRecord<T>(r: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(r).sort()) out[k] = r[k]!;
  return out;
}
