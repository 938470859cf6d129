/**
 * Deterministic fuzz inputs for the parser: mutations of the fixture corpus and random token soup,
 * from a seeded generator so a failure can be replayed by its seed and index.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { SourceRange } from "../../src/parser/index.js";

/** mulberry32: a small, fast, seedable PRNG. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pieces = [
  "RUN", "FROM", "COPY", "ARG", "ENV", "LABEL", "SAVE", "ARTIFACT", "IMAGE", "AS", "LOCAL", "BUILD", "DO", "IF", "ELSE",
  "END", "FOR", "IN", "WAIT", "TRY", "CATCH", "FINALLY", "WITH", "DOCKER", "FUNCTION", "COMMAND", "VERSION", "GIT", "CLONE",
  "--push", "--mount=type=cache,target=/x", "--load", "(+t", "--A=1)", "+t/a", "$(echo", ")", "\"", "'", "\\", "\\\n",
  "#", "# c\n", "=", "a=b", "x:", "X:", "\n", "\n    ", "\n\t", "  ", "[\"a\",", "\"b\"]", "$VAR", "${V:-d}", "\r\n", "\u00e9", "\u0000",
];

export function fixtureTexts(): string[] {
  const root = join(import.meta.dirname, "../../fixtures/parser");
  return readdirSync(root).sort().map((name) => readFileSync(join(root, name, "Buildfile"), "utf8"));
}

/** One mutated or random input. */
export function fuzzInput(rand: () => number, corpus: string[]): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  if (rand() < 0.25) {
    let out = "";
    const n = Math.floor(rand() * 60);
    for (let i = 0; i < n; i++) out += pick(pieces) + (rand() < 0.7 ? " " : "");
    return out;
  }
  let text = pick(corpus);
  const edits = 1 + Math.floor(rand() * 6);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rand() * (text.length + 1));
    const len = Math.floor(rand() * 12);
    switch (Math.floor(rand() * 5)) {
      case 0:
        text = text.slice(0, at) + text.slice(at + len);
        break;
      case 1:
        text = text.slice(0, at) + pick(pieces) + text.slice(at);
        break;
      case 2:
        text = text.slice(0, at) + String.fromCharCode(Math.floor(rand() * 128)) + text.slice(at);
        break;
      case 3: {
        const lines = text.split("\n");
        const i = Math.floor(rand() * lines.length);
        lines.splice(Math.floor(rand() * lines.length), 0, lines[i]!);
        text = lines.join("\n");
        break;
      }
      default:
        text = text.slice(0, at);
    }
  }
  return text;
}

/** Why a range is not a valid position in `text`, or undefined when it is. */
export function badRange(range: SourceRange, text: string, lines = text.split("\n").length): string | undefined {
  const { start, end } = range;
  if (start.offset < 0 || end.offset > text.length || start.offset > end.offset) return `offsets ${start.offset}..${end.offset} outside 0..${text.length}`;
  if (start.line < 1 || end.line > lines || start.line > end.line) return `lines ${start.line}..${end.line} outside 1..${lines}`;
  if (start.column < 1 || end.column < 1) return `columns ${start.column}, ${end.column}`;
  return undefined;
}

/** Every `range` in an AST (or any value). */
export function* ranges(value: unknown): Generator<SourceRange> {
  if (Array.isArray(value)) {
    for (const v of value) yield* ranges(v);
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (k === "range") yield v as SourceRange;
      else yield* ranges(v);
    }
  }
}
