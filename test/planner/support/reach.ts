/** Planning test Buildfiles (built with ./ast.ts) through an in-memory reader. */
import type { Buildfile } from "../../../src/parser/ast.js";
import type { Engine } from "../../../src/planner/engine.js";
import { reachTargets, type ReachPlan } from "../../../src/planner/reach.js";
import { MemorySourceReader } from "../../../src/planner/source.js";
import { buildfile } from "./ast.js";

type Parts = Parameters<typeof buildfile>[1];

/** `files` maps a directory to its Buildfile's parts; the entry is `+name` in `/repo`. */
export async function reach(
  files: Record<string, Parts>,
  entry: string,
  options: { overrides?: Array<[string, string]>; engine?: Engine; directory?: string } = {},
): Promise<ReachPlan> {
  const parsed = new Map<string, Buildfile>();
  const texts: Record<string, string> = {};
  for (const [dir, parts] of Object.entries(files)) {
    const path = `${dir}/Buildfile`;
    parsed.set(path, buildfile(path, parts));
    texts[path] = "";
  }
  return reachTargets({
    entry: { directory: options.directory ?? "/repo", name: entry },
    overrides: options.overrides,
    platform: "linux/amd64",
    reader: new MemorySourceReader(texts),
    parse: (_text, path) => parsed.get(path)!,
    engine: options.engine,
  });
}

/** The SAVE statements that fire, as `label: what`, sorted. */
export function firing(plan: ReachPlan): string[] {
  return plan.effects.verdicts.filter((v) => v.fires).map((v) => `${plan.graph.label(v.invocation)}: ${v.what}`).sort();
}

/** The SAVE statements that do not fire, as `label: what — reason`. */
export function skipped(plan: ReachPlan): string[] {
  return plan.effects.verdicts.filter((v) => !v.fires).map((v) => `${plan.graph.label(v.invocation)}: ${v.what} — ${v.reason}`);
}
