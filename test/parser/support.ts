/** Helpers for parser tests: parse one recipe line, strip ranges for readable comparisons. */
import assert from "node:assert/strict";
import { parseBuildfile, type ParseResult, type Statement } from "../../src/parser/index.js";

/** Parses `lines` as the recipe of a target `t` (indenting them) and returns the result. */
export function parseRecipe(lines: string): ParseResult {
  const body = lines
    .split("\n")
    .map((l) => (l === "" ? l : `    ${l}`))
    .join("\n");
  return parseBuildfile(`VERSION 0.8\nFROM busybox\nt:\n${body}\n`, "Buildfile");
}

/** The single statement of a one-line recipe; fails the test on any problem. */
export function statementOf(line: string): Statement {
  const result = parseRecipe(line);
  assert.deepEqual(result.problems.map((p) => p.message), [], `problems parsing ${line}`);
  const recipe = result.buildfile!.targets[0]!.recipe;
  assert.equal(recipe.length, 1);
  return recipe[0]!;
}

/** The messages of the problems of a one-line recipe. */
export function problemsOf(line: string): string[] {
  return parseRecipe(line).problems.map((p) => p.message);
}

/** A deep copy without `range` and `args` keys, and every Word reduced to its text. */
export function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value as Record<string, unknown>).filter(([k]) => k !== "range" && k !== "args");
  if (entries.length === 1 && entries[0]![0] === "text" && "range" in (value as object)) return entries[0]![1];
  return Object.fromEntries(entries.map(([k, v]) => [k, plain(v)]));
}
