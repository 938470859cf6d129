/**
 * Content digests of LLB ops: `sha256:<hex>` over an op's serialized bytes, as BuildKit computes
 * them. This is the one place digests are computed, and the planner's one `node:` import: the
 * planner runs only in Node, and its native SHA-256 is several times faster than one written in
 * TypeScript, which planning thousands of ops feels (bench/plan.ts).
 */
import * as crypto from "node:crypto";

// crypto.hash (Node 20.12+) hashes in one call, without a Hash object per op: about twice as fast
// for op-sized inputs. Older Node 20 releases take the Hash object.
const oneShot = (crypto as { hash?: (algorithm: string, data: Uint8Array, encoding: "hex") => string }).hash;

/** The SHA-256 of `data` as lowercase hex. */
export function sha256Hex(data: Uint8Array): string {
  return oneShot !== undefined ? oneShot("sha256", data, "hex") : crypto.createHash("sha256").update(data).digest("hex");
}

/** The digest BuildKit gives an op: `sha256:` and the hex SHA-256 of its serialized bytes. */
export function digestOf(bytes: Uint8Array): string {
  return `sha256:${sha256Hex(bytes)}`;
}
