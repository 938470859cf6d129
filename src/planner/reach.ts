/**
 * Reaching targets: from the invoked target, follow BUILD, FROM, COPY, DO and WITH DOCKER --load to
 * every target the build needs, each planned once per (target, overrides, platform), and record the
 * SAVE statements and RUN --push of each into the effect graph. This is the planner's walk; the LLB
 * of each state is added on the same walk by the command planners.
 */
import { EbuildError, type SourcePosition } from "../errors.js";
import type { Buildfile, Target } from "../parser/ast.js";
import { EffectGraph, type ResolvedEffects } from "./effects.js";
import type { Engine, GitFiles } from "./engine.js";
import type { HostEvaluation, HostShell } from "./host-shell.js";
import { describeInvocation, invocationKey, InvocationStack, noOverrides, type EdgeKind, type Invocation } from "./invocation.js";
import { relativePath } from "./paths.js";
import { RemotePrivileges } from "./privilege.js";
import { checkoutOf, displayPath, parseRemoteDirectoryKey, type GitCheckout, type GitSettings } from "./remote.js";
import { noGlobals, noImports, noPrivilegedImports, sourceMapOf, walkRecipe, type FileScope, type RecipeContext, type WalkBuild } from "./recipe-walk.js";
import { BuildfileLoader, type ParseBuildfile, type SourceReader } from "./source.js";
import { builtinArgs, checkOverridable, Variables, type GitFacts } from "./variables.js";
import type { TargetBuild } from "./build-state.js";
import { parsePlatform, scratch, type SourceMap, type State } from "./llb/index.js";
import type { HostRun, PlannedImageConfig, PlannedStep } from "./plan.js";
import { then, type Maybe } from "./maybe.js";

/** What a SAVE statement (or RUN --push) asks the executor to do, once it fires. */
export type SaveOutput =
  | { kind: "image"; names: string[]; push: boolean; insecure: boolean; platform: string; state: State; config: PlannedImageConfig; pushPhase: boolean }
  | { kind: "artifact"; source: string; baseDir: string; destination: string; shape: "file" | "replace" | "merge"; force: boolean; state: State; pushPhase: boolean; finally?: boolean }
  | PushPhaseOutput;

/**
 * A target's push phase: everything from its first RUN --push on. The commands and the final
 * state are filled in as the walk goes; the state is the target's last one.
 */
export interface PushPhaseOutput {
  kind: "push-run";
  commands: string[];
  state: State;
}

export interface ReachRequest {
  /** The invoked target: its Buildfile's absolute directory and its name. */
  entry: { directory: string; name: string };
  /** `--NAME=value` from the command line, in order (a repeated name makes a matrix). */
  overrides?: Array<[string, string]>;
  /** The platform to plan for, `os/arch[/variant]`. */
  platform: string;
  /**
   * `--platform a,b`: the entry is invoked once per platform (as `BUILD --platform` does), so one
   * SAVE IMAGE name becomes a multi-platform image. Defaults to `[platform]`.
   */
  platforms?: readonly string[];
  nativePlatform?: string;
  userPlatform?: string;
  push?: boolean;
  ci?: boolean;
  /** `--strict` (implied by `--ci`): LOCALLY and RUN --interactive are refused at their line. */
  strict?: boolean;
  reader: SourceReader;
  parse: ParseBuildfile<Buildfile>;
  /** Needed for `$(...)`, IF and FOR; without it those statements are errors. */
  engine?: Engine;
  /** Runs a LOCALLY target's `$(...)` and IF conditions on the host; without it they are errors. */
  host?: HostShell;
  /** How remote repositories map to clone URLs (the user's `EBUILD_GIT_URL_INSTEAD_OF`). */
  git?: GitSettings;
  /**
   * A stable id of a local directory on this machine, sent as `local.unique` with its uploads:
   * BuildKit merges identical ops of concurrent builds, and two projects' (or two machines')
   * uploads with the same names and patterns must never be one. Without it (tests, `ebuild plan`)
   * the LLB is the same on every machine.
   */
  contextId?: (directory: string) => string;
  /** Reads remote Buildfiles from git checkouts; without it remote references are errors. */
  gitFiles?: GitFiles;
  /**
   * Where remote targets' AS LOCAL artifacts are written (their own directory is not on this
   * machine): the entry's directory by default; needed when the entry itself is remote.
   */
  outputDirectory?: string;
  version?: string;
  /**
   * The git facts of a local Buildfile directory's checkout (the EBUILD_GIT_* builtins); without
   * it, or outside git, they are empty. Remote directories get none.
   */
  gitFacts?: (directory: string) => Promise<GitFacts | undefined>;
}

/** One planned invocation. */
export interface ReachedTarget {
  key: string;
  label: string;
  invocation: Invocation;
  /** The Buildfile that defines it. */
  file: string;
  at: SourcePosition;
  /** For a target in a git repository: the checkout it comes from. */
  checkout?: GitCheckout;
  /** The WAIT phase it was first reached in: its own steps run with that phase's outputs. */
  phase: number;
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
  /** The first statement needing each entitlement (the consent error points at it). */
  entitlementsAt: Record<string, SourcePosition>;
  /** The Buildfile directories whose files COPY sends, with their `local` source names. */
  contexts: Array<{ name: string; dir: string }>;
  /** Each invocation's final state, config and artifacts. */
  results: ReadonlyMap<string, TargetBuild>;
  /** What LOCALLY targets run on the host, in walk order. */
  hostRuns: HostRun[];
  /** The `$(...)` and IF conditions of LOCALLY targets that planning ran on the host, in order. */
  hostEvaluations: HostEvaluation[];
  /** The statement behind each op, with the state holding it, by the platform it was planned for. */
  steps: ReadonlyMap<string, PlatformSteps>;
}

/** Steps of one platform in walk order: `steps[i]` made the op holding `states[i]`. */
export interface PlatformSteps {
  readonly states: State[];
  readonly steps: PlannedStep[];
}

/** Walks every target the entry reaches and decides which SAVE statements fire. */
export async function reachTargets(request: ReachRequest): Promise<ReachPlan> {
  const reacher = new Reacher(request);
  const entries: string[] = [];
  for (const [name] of request.overrides ?? []) checkOverridable(name, "usage");
  for (const platform of request.platforms ?? [request.platform]) {
    for (const overrides of matrixOf(request.overrides ?? [])) {
      const invocation: Invocation = { directory: request.entry.directory, name: request.entry.name, overrides, platform };
      entries.push(await reacher.invoke(invocation, undefined));
    }
  }
  reacher.privileges.check(entries);
  const effects = resolveAll(reacher.graph, entries, reacher.formatAt);
  return {
    entries,
    targets: [...reacher.targets.values()],
    graph: reacher.graph,
    effects,
    secrets: [...reacher.secrets].sort(),
    entitlements: [...reacher.entitlements].sort(),
    entitlementsAt: Object.fromEntries(reacher.entitlementsAt),
    contexts: [...reacher.contexts].map(([name, dir]) => ({ name, dir })),
    results: reacher.results,
    steps: reacher.steps,
    hostRuns: reacher.hostRuns,
    hostEvaluations: reacher.hostEvaluations,
  };
}

/** Several entries (a matrix, several platforms): a statement fires when any entry fires it. */
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
  if (overrides.length === 0) return [[]];
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
  readonly entitlementsAt = new Map<string, SourcePosition>();
  /** Privileged commands of remote Buildfiles and the references that allow them. */
  readonly privileges = new RemotePrivileges();
  readonly request: ReachRequest;
  readonly loader: BuildfileLoader<Buildfile>;
  readonly stack = new InvocationStack();
  readonly #done = new Set<string>();
  readonly results = new Map<string, TargetBuild>();
  readonly #sourceMaps = new Map<string, SourceMap>();
  /**
   * The op each statement added, in walk order. An op added twice is named by the first statement
   * that added it: the plan keeps the first step per op digest (a list here, not a map by vertex:
   * thousands of statements add an op each, and the digests come later anyway). Two lists per
   * platform rather than an entry object per step: a plan keeps every one.
   */
  readonly steps = new Map<string, PlatformSteps>();

  /** Records that the build needs `entitlement`, first at `at`. */
  needEntitlement(entitlement: string, at: SourcePosition): void {
    this.entitlements.add(entitlement);
    if (!this.entitlementsAt.has(entitlement)) this.entitlementsAt.set(entitlement, at);
  }

  addStep(state: State, platform: string, step: PlannedStep): void {
    if (state.output === undefined) return;
    let list = this.steps.get(platform);
    if (list === undefined) this.steps.set(platform, (list = { states: [], steps: [] }));
    list.states.push(state);
    list.steps.push(step);
  }

  /** The current WAIT phase: each WAIT block's end starts the next one. */
  phase = 0;
  /** What LOCALLY targets run on the host, in walk order. */
  readonly hostRuns: HostRun[] = [];
  /** The host commands planning ran for LOCALLY targets, in walk order. */
  readonly hostEvaluations: HostEvaluation[] = [];
  /** Each `local` source name the plan uploads → its directory (Buildfile, Dockerfile or host files). */
  readonly contexts = new Map<string, string>();

  constructor(request: ReachRequest) {
    this.request = request;
    this.loader = new BuildfileLoader(request.reader, request.parse, { files: request.gitFiles, settings: request.git ?? {} });
  }

  /** The git checkout a remote directory comes from; undefined for a local one. */
  checkoutOf(directory: string): GitCheckout | undefined {
    const remote = parseRemoteDirectoryKey(directory);
    return remote === undefined ? undefined : checkoutOf(remote, this.request.git);
  }

  /**
   * Where AS LOCAL writes for targets of a directory: the Buildfile's directory, or for a remote
   * Buildfile the entry's directory (the remote's files are not on this machine).
   */
  outputDirectoryOf(directory: string): string {
    return this.checkoutOf(directory) === undefined ? directory : (this.request.outputDirectory ?? this.request.entry.directory);
  }

  /** The planned result of an invocation (its final state, config and artifacts). */
  resultOf(key: string): TargetBuild {
    const result = this.results.get(key);
    if (result === undefined) throw new EbuildError("internal", `${key} was used before it was planned`);
    return result;
  }

  readonly #contextSources = new Map<string, Map<string, State>>();

  /** The `local` sources of one context planned so far, by the files they send (see commands/copy.ts). */
  contextSources(name: string): Map<string, State> {
    let sources = this.#contextSources.get(name);
    if (sources === undefined) this.#contextSources.set(name, (sources = new Map()));
    return sources;
  }

  /** The name of a directory's build context: `context` for the entry's, `context:<relative dir>` else. */
  contextName(directory: string): string {
    return this.namedContext("context", directory);
  }

  /**
   * The `local` source name for a directory under `kind` (`context` for COPY, `dockerfile` for a
   * FROM DOCKERFILE context, `host` for LOCALLY files): `kind` for the entry's directory,
   * `kind:<relative dir>` else. Kinds keep apart uploads that send different files of one folder.
   */
  namedContext(kind: string, directory: string): string {
    const rel = relativePath(this.request.entry.directory, directory);
    const name = rel === "." ? kind : `${kind}:${rel}`;
    this.contexts.set(name, directory);
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
  formatAt = (at: SourcePosition): string => `${displayPath(this.request.entry.directory, at.file)}:${at.line}`;

  /**
   * Plans an invocation once, recording how it was reached. `via` is the edge from the invocation
   * (or function call) that needs it; it is undefined for the entry.
   */
  invoke(invocation: Invocation, via: { from: string; kind: EdgeKind; at: SourcePosition; allowPrivileged?: boolean } | undefined): Maybe<string> {
    const key = this.#keyOf(invocation);
    const done = this.#done.has(key);
    // A planned invocation keeps its label: most edges reach targets planned before.
    const label = done ? this.graph.label(key) : this.label(invocation);
    this.graph.addInvocation(key, label);
    this.privileges.addInvocation(key, invocation.directory);
    if (via !== undefined) {
      this.graph.addEdge({ from: via.from, to: key, kind: via.kind, at: via.at });
      this.privileges.addEdge(via.from, key, via.allowPrivileged === true);
    }
    if (done) return key;
    return this.#plan(key, label, invocation, via);
  }

  readonly #plainKeys = new Map<string, Map<string, Map<string, string>>>();

  /**
   * The invocation's key. Without overrides (most edges) the same string is handed out for the
   * same target and platform: built and hashed once, rather than once per edge for every map it
   * is looked up in.
   */
  #keyOf(invocation: Invocation): string {
    if (invocation.overrides.length > 0) return invocationKey(invocation);
    let byDirectory = this.#plainKeys.get(invocation.platform);
    if (byDirectory === undefined) this.#plainKeys.set(invocation.platform, (byDirectory = new Map()));
    let byName = byDirectory.get(invocation.directory);
    if (byName === undefined) byDirectory.set(invocation.directory, (byName = new Map()));
    let key = byName.get(invocation.name);
    if (key === undefined) byName.set(invocation.name, (key = invocationKey(invocation)));
    return key;
  }

  #plan(key: string, label: string, invocation: Invocation, via: { kind: EdgeKind; at: SourcePosition } | undefined): Maybe<string> {
    try {
      this.stack.enter(key, label, via === undefined ? undefined : { kind: via.kind, at: via.at });
    } catch (cycle) {
      // A cycle's message is its chain already.
      if (cycle instanceof Error) chained.add(cycle);
      throw cycle;
    }
    const done = (): string => {
      this.stack.leave(key);
      this.#done.add(key);
      return key;
    };
    const failed = (error: unknown): never => {
      throw withChain(error, this.stack.chain());
    };
    let planned: Maybe<void>;
    try {
      planned = then(this.loader.loadNow(invocation.directory, via?.at), (loaded) => {
        const target = findTarget(loaded.parsed, invocation.name, via?.at);
        const checkout = this.checkoutOf(invocation.directory);
        const start = target.range.start;
        const at = { file: loaded.path, line: start.line, column: start.column };
        this.targets.set(key, { key, label, invocation, file: loaded.path, at, phase: this.phase, checkout });
        return then(this.#gitFactsOf(invocation.directory), (git) => this.#planTarget(key, label, invocation, loaded.parsed, loaded.text, target, git));
      });
    } catch (error) {
      return failed(error);
    }
    return planned instanceof Promise ? planned.then(done, failed) : done();
  }

  readonly #gitFacts = new Map<string, GitFacts | undefined>();

  /** The git facts of a local Buildfile directory, asked for once per directory. */
  #gitFactsOf(directory: string): Maybe<GitFacts | undefined> {
    if (this.request.gitFacts === undefined || this.checkoutOf(directory) !== undefined) return undefined;
    if (this.#gitFacts.has(directory)) return this.#gitFacts.get(directory);
    return this.request.gitFacts(directory).then((facts) => {
      this.#gitFacts.set(directory, facts);
      return facts;
    });
  }

  readonly #scratch = new Map<string, State>();

  /** An empty state for a platform: one per platform, as every target starts from it. */
  #scratchFor(platform: string): State {
    let state = this.#scratch.get(platform);
    if (state === undefined) this.#scratch.set(platform, (state = scratch().platform(parsePlatform(platform))));
    return state;
  }

  #planTarget(key: string, label: string, invocation: Invocation, buildfile: Buildfile, text: string, target: Target, gitFacts: GitFacts | undefined): Maybe<void> {
    const builtins = builtinArgs({
      targetName: invocation.name,
      targetRef: label,
      platform: invocation.platform,
      nativePlatform: this.request.nativePlatform ?? invocation.platform,
      userPlatform: this.request.userPlatform ?? invocation.platform,
      push: this.request.push === true,
      ci: this.request.ci === true,
      version: this.request.version ?? "0.0.0",
      locally: target.recipe.some((s) => s.kind === "LOCALLY"),
      git: gitFacts,
    });
    const overrides = invocation.overrides.length === 0 ? noOverrides : new Map(invocation.overrides);
    // Without a base recipe there is no IMPORT or ARG --global to share: the target starts from
    // empty collections shared by all (a target's own IMPORT makes its own, see walkImport).
    const hasBase = buildfile.baseRecipe.length > 0;
    const file: FileScope = {
      directory: invocation.directory,
      path: buildfile.file,
      buildfile,
      imports: hasBase ? new Map() : noImports,
      privilegedImports: hasBase ? new Set() : noPrivilegedImports,
      globals: hasBase ? new Map() : noGlobals,
      sourceMap: this.sourceMap(buildfile.file, text),
    };
    // Every field in one literal: one shape for every target's build (a spread or a later field
    // made each a slow object).
    const build: WalkBuild = { state: this.#scratchFor(invocation.platform), config: {}, artifacts: scratch(), host: undefined, caches: [], pushPhase: undefined };
    const context = (vars: Variables, inBase: boolean): RecipeContext => ({ reacher: this, key, label, invocation, file, vars, inBase, privilegedCalls: true, build, scope: undefined });
    const walkTarget = (env: Map<string, string> | undefined) =>
      then(walkRecipe(context(new Variables(overrides, file.globals, builtins, env), false), target.recipe), () => this.#keepResult(key, build));
    if (buildfile.baseRecipe.length === 0) return walkTarget(undefined);
    // The base recipe opens every target: its IMPORTs and ARG --global serve the whole file.
    const base = new Variables(overrides, noOverrides, builtins);
    return then(walkRecipe(context(base, true), buildfile.baseRecipe), () => walkTarget(new Map(base.envEntries())));
  }

  #keepResult(key: string, build: WalkBuild): void {
    const push = build.pushPhase;
    if (push === undefined) {
      this.results.set(key, { state: build.state, config: build.config, artifacts: build.artifacts, host: build.host });
      return;
    }
    // FROM and COPY see the target as it stood before its first RUN --push; the push phase runs the rest.
    push.output.state = build.state;
    this.results.set(key, { ...push.main, host: build.host });
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

const chained = new WeakSet<Error>();

/**
 * A Buildfile error deep in the graph says how the build got there, with each target's args:
 * `reached through +all → +test --GO=1.22`. Only the innermost invocation adds it; build args are
 * not secrets, and the CLI redacts secret values from every message anyway.
 */
function withChain(error: unknown, chain: string[]): unknown {
  if (!(error instanceof EbuildError) || error.kind !== "semantic" || chained.has(error) || chain.length < 2) return error;
  const described = new EbuildError(error.kind, `${error.message}\nreached through ${chain.join(" → ")}`, {
    ...(error.at ? { at: error.at } : {}),
    ...(error.hint ? { hint: error.hint } : {}),
    cause: error,
  });
  chained.add(described);
  return described;
}
