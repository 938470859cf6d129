/**
 * What "the formatted file means the same" checks: both files parse to the same AST once positions
 * and the raw spellings the formatter is allowed to change are set aside.
 *
 * Set aside: every `range`; `args` (the raw words: `--flag value` becomes `--flag=value`); the raw
 * text and words of exec-form arrays (their parsed strings are compared); and the amount of blank
 * space in texts, since continuation lines are re-indented (where blanks turn into no blank, or the
 * reverse, the texts still differ).
 */
import type { Buildfile } from "../parser/ast.js";

/** Whether two parsed files mean the same, positions and layout aside. */
export function sameMeaning(a: Buildfile, b: Buildfile): boolean {
  return canonical(a) === canonical(b);
}

/** The comparable form of a node: JSON with sorted keys and layout-dependent fields removed. */
export function canonical(node: unknown): string {
  return JSON.stringify(normalise(node));
}

function normalise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalise);
  if (typeof value === "string") return value.replace(/\s+/g, " ");
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  const exec = record["form"] === "exec";
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record).sort()) {
    if (key === "range" || key === "args") continue;
    if (exec && (key === "text" || key === "command" || key === "paths")) continue;
    out[key] = normalise(record[key]);
  }
  return out;
}
