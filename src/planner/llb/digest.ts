/**
 * Content digests of LLB ops: `sha256:<hex>` over an op's serialized bytes, as BuildKit computes
 * them. This is the one place digests are computed, and the planner's one `node:` import: the
 * planner runs only in Node, and its native SHA-256 is several times faster than one written in
 * TypeScript, which planning thousands of ops feels (bench/plan.ts).
 */
import { createHash } from "node:crypto";

/** The SHA-256 of `data` as lowercase hex. */
export function sha256Hex(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** The digest BuildKit gives an op: `sha256:` and the hex SHA-256 of its serialized bytes. */
export function digestOf(bytes: Uint8Array): string {
  return `sha256:${sha256Hex(bytes)}`;
}
