/** Running `plan()` on test Buildfiles and reading the ops back. */
import type { Buildfile } from "../../../src/parser/ast.js";
import { plan, type PlanResult } from "../../../src/planner/assemble.js";
import type { Engine } from "../../../src/planner/engine.js";
import { dumpDefinition } from "../../../src/planner/llb/index.js";
import { MemorySourceReader } from "../../../src/planner/source.js";
import { buildfile } from "./ast.js";

type Parts = Parameters<typeof buildfile>[1];

export async function planOf(files: Record<string, Parts>, entry: string, options: { engine?: Engine; overrides?: Array<[string, string]> } = {}): Promise<PlanResult> {
  const parsed = new Map<string, Buildfile>();
  const texts: Record<string, string> = {};
  for (const [dir, parts] of Object.entries(files)) {
    parsed.set(`${dir}/Buildfile`, buildfile(`${dir}/Buildfile`, parts));
    texts[`${dir}/Buildfile`] = "";
  }
  return plan({
    entry: { directory: "/repo", name: entry },
    platform: "linux/amd64",
    reader: new MemorySourceReader(texts),
    parse: (_text, path) => parsed.get(path)!,
    engine: options.engine,
    overrides: options.overrides,
  });
}

/** The ops of a definition, as JSON objects, in marshal order (terminal last). */
export function opsOf(definition: Uint8Array) {
  return dumpDefinition(definition).ops;
}
