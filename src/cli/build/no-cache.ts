/**
 * --no-cache for raw LLB: BuildKit has no per-Solve switch for it, so every op of a Definition is
 * marked `ignore_cache` in the Definition's metadata (keyed by op digest and not part of any
 * digest, so the graph and the cache keys stay the same). The results are still written to the
 * cache, as Earthly's --no-cache does, so the next run without the flag reuses them.
 */
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { createHash } from "node:crypto";
import { DefinitionSchema, OpMetadataSchema } from "../../gen/pb/ops_pb.js";

/** The op digest BuildKit keys metadata by: `sha256:` and the hex SHA-256 of the op's bytes. */
export function opDigest(op: Uint8Array): string {
  return `sha256:${createHash("sha256").update(op).digest("hex")}`;
}

/** The same Definition with every op marked to ignore the cache; other metadata is kept. */
export function withoutCache(definition: Uint8Array): Uint8Array {
  const decoded = fromBinary(DefinitionSchema, definition);
  for (const op of decoded.def) {
    const digest = opDigest(op);
    const metadata = decoded.metadata[digest] ?? create(OpMetadataSchema, {});
    metadata.ignoreCache = true;
    decoded.metadata[digest] = metadata;
  }
  return toBinary(DefinitionSchema, decoded);
}

/**
 * The same Definition with no op marked to ignore the cache: for outputs whose ops an earlier Solve
 * of this run has just executed (RUN --push and --no-cache ops included) and must not run again.
 */
export function reusingCache(definition: Uint8Array): Uint8Array {
  const decoded = fromBinary(DefinitionSchema, definition);
  for (const metadata of Object.values(decoded.metadata)) metadata.ignoreCache = false;
  return toBinary(DefinitionSchema, decoded);
}
