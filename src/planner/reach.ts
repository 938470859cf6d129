/**
 * Reaching targets: from the invoked target, follow BUILD, FROM, COPY, DO and WITH DOCKER --load to
 * every target the build needs, each planned once per (target, overrides, platform), and record the
 * SAVE statements and RUN --push of each into the effect graph. This is the planner's walk; the LLB
 * of each state is added on the same walk by the command planners.
 */
import { EbuildError, type SourcePosition } from "../errors.js";
import type { Buildfile, Target } from "../parser/ast.js";
import { EffectGraph, type ResolvedEffects } from "./effects.js";
import type { Engine } from "./engine.js";
import { describeInvocation, invocationKey, InvocationStack, type EdgeKind, type Invocation } from "./invocation.js";
import { relativePath } from "./paths.js";
import { sourceMapOf, walkRecipe, type FileScope, type RecipeContext } from "./recipe-walk.js";
import { BuildfileLoader, type ParseBuildfile, type SourceReader } from "./source.js";
import { builtinArgs, checkOverridable, Variables } from "./variables.js";
import { emptyBuild, type TargetBuild } from "./build-state.js";
import { parsePlatform, type SourceMap, type State } from "./llb/index.js";
import type { PlannedImageConfig, PlannedStep } from "./plan.js";

/** What a SAVE statement (or RUN --push) asks the executor to do, once it fires. */
export type SaveOutput =
  | { kind: "image"; names: string[]; push: boolean; insecure: boolean; platform: string; state: State; config: PlannedImageConfig }
  | { kind: "artifact"; source: string; baseDir: string; destination: string; shape: "file" | "replace" | "merge"; force: boolean; state: State }
  | { kind: "push-run"; command: string; state: State };

export interface ReachRequest {
  /** The invoked target: its Buildfile's absolute directory and its name. */
  entry: { directory: string; name: string };
  /** `--NAME=value` from the command line, in order (a repeated name makes a matrix). */
  overrides?: Array<[string, string]>;
  /** The platform to plan for, `os/arch[/variant]`. */
  platform: string;
  nativePlatform?: string;
  userPlatform?: string;
  push?: boolean;
  ci?: boolean;
  reader: SourceReader;
  parse: ParseBuildfile<Buildfile>;
  /** Needed for `$(...)`, IF and FOR; without it those statements are errors. */
  engine?: Engine;
  version?: string;
}

/** One planned invocation. */
export interface ReachedTarget {
  key: string;
  label: string;
  invocation: Invocation;
  /** The Buildfile that defines it. */
  file: string;
  at: SourcePosition;
}

export interface ReachPlan {
  /** Keys of the invoked targets (several for a matrix on the command line), in order. */
  entries: string[];
  targets: ReachedTarget[];
  graph: EffectGraph<SaveOutput>;
  /** The verdicts of the first entry's effects merged with the others'. */
  effects: ResolvedEffects<SaveOutput>;
  secrets: string[];
  entitlements: string[];
  /** The Buildfile directories whose files COPY sends, with their `local` source names. */
  contexts: Array<{ name: string; dir: string }>;
  /** Each invocation's final state, config and artifacts. */
  results: ReadonlyMap<string, TargetBuild>;
  /** The statement behind each op, with the state holding it. */
  steps: ReadonlyArray<{ state: State; platform: string; step: PlannedStep }>;
}

/** Walks every target the entry reaches and decides which SAVE statements fire. */
export async function reachTargets(request: ReachRequest): Promise<ReachPlan> {
  const reacher = new Reacher(request);
  const entries: string[] = [];
  for (const [name] of request.overrides ?? []) checkOverridable(name, "usage");
  for (const overrides of matrixOf(request.overrides ?? [])) {
    const invocation: Invocation = { directory: request.entry.directory, name: request.entry.name, overrides, platform: request.platform };
    entries.push(await reacher.invoke(invocation, undefined));
  }
  const effects = resolveAll(reacher.graph, entries, reacher.formatAt);
  return {
    entries,
    targets: [...reacher.targets.values()],
    graph: reacher.graph,
    effects,
    secrets: [...reacher.secrets].sort(),
    entitlements: [...reacher.entitlements].sort(),
    contexts: [...reacher.contexts].map(([dir, name]) => ({ name, dir })),
    results: reacher.results,
    steps: [...reacher.steps.values()],
  };
}

/** Several entries (a matrix): a statement fires when any entry fires it. */
function resolveAll(graph: EffectGraph<SaveOutput>, entries: string[], formatAt: (at: SourcePosition) => string): ResolvedEffects<SaveOutput> {
  if (entries.length === 1) return graph.resolve(entries[0]!, { formatAt });
  // A matrix on the command line: a virtual root BUILDs every entry.
  const root = "\u0000entries";
  for (const entry of entries) graph.addEdge({ from: root, to: entry, kind: "BUILD", at: undefined });
  const resolved = graph.resolve(root, { formatAt });
  return { built: resolved.built.filter((key) => key !== root), verdicts: resolved.verdicts };
}

/**
 * Overrides with repeated names expand to one set per combination (a matrix), in the order given:
 * `--A=1 --A=2 --B=x` gives `A=1 B=x` and `A=2 B=x`.
 */
export function matrixOf(overrides: ReadonlyArray<readonly [string, string]>): Array<Array<[string, string]>> {
  const values = new Map<string, string[]>();
  for (const [name, value] of overrides) {
    const list = values.get(name) ?? [];
    if (!list.includes(value)) list.push(value);
    values.set(name, list);
  }
  let combos: Array<Array<[string, string]>> = [[]];
  for (const [name, list] of values) combos = combos.flatMap((combo) => list.map((value): Array<[string, string]> => [...combo, [name, value]]));
  return combos;
}

/** The state of one walk: loaded files, planned invocations, the effect graph. */
export class Reacher {
  readonly graph = new EffectGraph<SaveOutput>();
  readonly targets = new Map<string, ReachedTarget>();
  readonly secrets = new Set<string>();
  readonly entitlements = new Set<string>();
  readonly request: ReachRequest;
  readonly loader: BuildfileLoader<Buildfile>;
  readonly stack = new InvocationStack();
  readonly #done = new Set<string>();
  readonly results = new Map<string, TargetBuild>();
  readonly #sourceMaps = new Map<string, SourceMap>();
  /** The op each statement added, by the vertex holding it: the first statement to add it names it. */
  readonly steps = new Map<unknown, { state: State; platform: string; step: PlannedStep }>();

  addStep(state: State, platform: string, step: PlannedStep): void {
    const vertex = state.output?.vertex;
    if (vertex !== undefined && !this.steps.has(vertex)) this.steps.set(vertex, { state, platform, step });
  }

  /** The current WAIT phase: each WAIT block's end starts the next one. */
  phase = 0;
  /** The `local` source name of each Buildfile directory whose files a COPY sends. */
  readonly contexts = new Map<string, string>();

  constructor(request: ReachRequest) {
    this.request = request;
    this.loader = new BuildfileLoader(request.reader, request.parse);
  }

  /** The planned result of an invocation (its final state, config and artifacts). */
  resultOf(key: string): TargetBuild {
    const result = this.results.get(key);
    if (result === undefined) throw new EbuildError("internal", `${key} was used before it was planned`);
    return result;
  }

  /** The name of a directory's build context: `context` for the entry's, `context:<relative dir>` else. */
  contextName(directory: string): string {
    let name = this.contexts.get(directory);
    if (name === undefined) {
      const rel = relativePath(this.request.entry.directory, directory);
      name = rel === "." ? "context" : `context:${rel}`;
      this.contexts.set(directory, name);
    }
    return name;
  }

  /** One source map per Buildfile, shared by every op planned from it. */
  sourceMap(path: string, text: string): SourceMap {
    let map = this.#sourceMaps.get(path);
    if (map === undefined) {
      map = sourceMapOf({ reacher: this }, path, text);
      this.#sourceMaps.set(path, map);
    }
    return map;
  }

  /** A label for messages and `ebuild plan`: relative to the entry's directory. */
  label(invocation: Invocation): string {
    return describeInvocation(invocation, this.request.entry.directory, this.request.platform);
  }

  /** Where positions show in reasons: relative to the entry's directory. */
  formatAt = (at: SourcePosition): string => `${relativePath(this.request.entry.directory, at.file)}:${at.line}`;

  /**
   * Plans an invocation once, recording how it was reached. `via` is the edge from the invocation
   * (or function call) that needs it; it is undefined for the entry.
   */
  async invoke(invocation: Invocation, via: { from: string; kind: EdgeKind; at: SourcePosition } | undefined): Promise<string> {
    const key = invocationKey(invocation);
    const label = this.label(invocation);
    this.graph.addInvocation(key, label);
    if (via !== undefined) this.graph.addEdge({ from: via.from, to: key, kind: via.kind, at: via.at });
    if (this.#done.has(key)) return key;
    this.stack.enter(key, label, via === undefined ? undefined : { kind: via.kind, at: via.at });
    const loaded = await this.loader.load(invocation.directory, via?.at);
    const target = findTarget(loaded.parsed, invocation.name, via?.at);
    this.targets.set(key, { key, label, invocation, file: loaded.path, at: { file: loaded.path, line: target.range.start.line, column: target.range.start.column } });
    await this.#planTarget(key, label, invocation, loaded.parsed, loaded.text, target);
    this.stack.leave(key);
    this.#done.add(key);
    return key;
  }

  async #planTarget(key: string, label: string, invocation: Invocation, buildfile: Buildfile, text: string, target: Target): Promise<void> {
    const builtins = builtinArgs({
      targetName: invocation.name,
      targetRef: label,
      platform: invocation.platform,
      nativePlatform: this.request.nativePlatform ?? invocation.platform,
      userPlatform: this.request.userPlatform ?? invocation.platform,
      push: this.request.push === true,
      ci: this.request.ci === true,
      version: this.request.version ?? "0.0.0",
    });
    const overrides = new Map(invocation.overrides);
    const file: FileScope = { directory: invocation.directory, path: buildfile.file, buildfile, imports: new Map(), globals: new Map(), sourceMap: this.sourceMap(buildfile.file, text) };
    const base = new Variables(overrides, new Map(), builtins);
    const build = { ...emptyBuild(), caches: [], pushState: undefined };
    build.state = build.state.platform(parsePlatform(invocation.platform));
    const context = (vars: Variables, inBase: boolean): RecipeContext => ({ reacher: this, key, label, invocation, file, vars, inBase, build });
    // The base recipe opens every target: its IMPORTs and ARG --global serve the whole file.
    await walkRecipe(context(base, true), buildfile.baseRecipe);
    const vars = new Variables(overrides, file.globals, builtins, new Map(base.envEntries()));
    await walkRecipe(context(vars, false), target.recipe);
    this.results.set(key, { state: build.state, config: build.config, artifacts: build.artifacts });
  }
}

// Targets by name, per parsed file: a Buildfile with thousands of targets is searched once.
const targetIndex = new WeakMap<Buildfile, Map<string, Target>>();

function findTarget(buildfile: Buildfile, name: string, at: SourcePosition | undefined): Target {
  let index = targetIndex.get(buildfile);
  if (index === undefined) {
    index = new Map(buildfile.targets.map((t) => [t.name, t]));
    targetIndex.set(buildfile, index);
  }
  const target = index.get(name);
  if (target !== undefined) return target;
  const names = buildfile.targets.map((t) => t.name);
  const close = names.filter((n) => editDistance(n, name) <= 2);
  throw new EbuildError("semantic", `${buildfile.file} has no target ${name}`, {
    at,
    hint: close.length > 0 ? `did you mean ${close.map((n) => `+${n}`).join(" or ")}?` : `its targets are: ${names.map((n) => `+${n}`).join(", ") || "none"}`,
  });
}

/** Levenshtein distance, for "did you mean". */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
