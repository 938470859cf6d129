/**
 * A build context for benchmarks: many files of deterministic sizes in nested folders, with
 * deterministic pseudo-random (incompressible) contents, so every run moves the same bytes.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

export interface ContextShape {
  files: number;
  /** Total bytes of all files together (met exactly). */
  totalBytes: number;
  seed?: number;
}

export interface GeneratedContext {
  files: number;
  bytes: number;
}

/** xorshift32: fast, seedable, and plenty for filler bytes. */
function generator(seed: number): () => number {
  let state = seed >>> 0 || 0x9e3779b9;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
}

/**
 * File sizes like a source tree's: most files a few KiB, some hundreds of KiB, a handful of
 * MiB-sized assets; scaled so they add up to `totalBytes`.
 */
export function fileSizes(shape: ContextShape): number[] {
  const next = generator(shape.seed ?? 1);
  const weights = Array.from({ length: shape.files }, () => {
    const roll = next() % 1000;
    const spread = 1 + (next() % 1000) / 1000;
    if (roll < 5) return 600 * spread; // ~0.5 %: large assets
    if (roll < 100) return 40 * spread; // ~10 %: medium files
    return 2 * spread; // the rest: small sources
  });
  const total = weights.reduce((a, b) => a + b, 0);
  const sizes = weights.map((w) => Math.floor((w / total) * shape.totalBytes));
  sizes[0]! += shape.totalBytes - sizes.reduce((a, b) => a + b, 0);
  return sizes;
}

/** The relative path of file `i`: one to three folder levels, about 30 files a folder. */
export function filePath(i: number): string {
  const top = `pkg${i % 12}`;
  const mid = `mod${Math.floor(i / 12) % 14}`;
  return i % 3 === 0 ? join(top, `f${i}.dat`) : i % 3 === 1 ? join(top, mid, `f${i}.dat`) : join(top, mid, `deep${i % 4}`, `f${i}.dat`);
}

/** Writes the context under `root` (created if missing). */
export async function generateContext(root: string, shape: ContextShape): Promise<GeneratedContext> {
  const sizes = fileSizes(shape);
  const next = generator((shape.seed ?? 1) * 7919);
  const made = new Set<string>();
  let bytes = 0;
  for (const [i, size] of sizes.entries()) {
    const path = join(root, filePath(i));
    const dir = path.slice(0, path.lastIndexOf("/"));
    if (!made.has(dir)) {
      await mkdir(dir, { recursive: true });
      made.add(dir);
    }
    const words = new Uint32Array(Math.ceil(size / 4));
    for (let w = 0; w < words.length; w++) words[w] = next();
    await writeFile(path, Buffer.from(words.buffer, 0, size));
    bytes += size;
  }
  return { files: sizes.length, bytes };
}
