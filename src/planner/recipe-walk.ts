/**
 * Walking a recipe, statement by statement: variables are declared and expanded in order, the
 * targets a statement needs are invoked (BUILD, FROM, COPY, WITH DOCKER --load), functions are
 * inlined (DO), and SAVE statements and RUN --push are recorded for the invocation.
 */
import { EbuildError, type SourcePosition } from "../errors.js";
import type { ArgCommand, ArgOverride, Buildfile, CacheCommand, CommandLine, CopyCommand, FromCommand, FromDockerfileCommand, GitCloneCommand, IfBranch, ImportCommand, SaveArtifactCommand, SaveImageCommand, Statement, Word } from "../parser/ast.js";
import { planFromDockerfile, resolveDockerfileInputs, type ArtifactSource } from "./commands/from-dockerfile.js";
import { configEnvPairs, copyConfig } from "./build-state.js";
import { describeDirectory, type EdgeKind, type Invocation } from "./invocation.js";
import { expandAllNow, expandNow, expandOne, expandSplitNow, positionOf, type ExpansionScope } from "./expansion.js";
import { each, mapEach, then, type Maybe } from "./maybe.js";
import { directoryOfReference } from "./locate.js";
import { baseName, joinPath, normalizePath, staysInside } from "./paths.js";
import { checkoutState, displayPath, isRemote, parseRemoteDirectoryKey, rewriteGitUrl, sameCheckout } from "./remote.js";
import type { PushPhaseOutput, Reacher } from "./reach.js";
import { matrixOf } from "./reach.js";
import type { BuildPlace, Engine } from "./engine.js";
import { looksLikeReference, parseArtifactReference, parseFunctionReference, parseReference, parseTargetReference, type Reference, type ReferenceHome } from "./reference.js";
import { checkOverridable, type Variables } from "./variables.js";
import type { TargetBuild } from "./build-state.js";
import type { PlannedStep } from "./plan.js";
import { planCmd, planEntrypoint, planEnv, planExpose, planHealthcheck, planHost, planLabel, planUser, planVolume, planWorkdir } from "./commands/config.js";
import { planCopy, type CopyContext, type CopyFrom } from "./commands/copy.js";
import { planFromImage, planFromTarget } from "./commands/from.js";
import { exitCodeMount, planRun } from "./commands/run.js";
import { walkTry } from "./walk-try.js";
import { walkWithDocker } from "./walk-with-docker.js";
import { refuseUnrepeatable } from "./strict.js";
import { localArtifactState, planSaveArtifact } from "./commands/save.js";
import { checkAllowedLocally, hostFiles, planHostRun, planHostWorkdir, planLocally } from "./commands/locally.js";
import { hostCondition, hostShellOut, type HostEvaluationContext } from "./commands/host-commands.js";
import { constantCopyTime, copy, formatPlatform, git, parsePlatform, SourceMap, type Mount, type SourceLocation, type State } from "./llb/index.js";
import type { SourceRange } from "../parser/ast.js";

/** A Buildfile as seen from its recipes: where it is, its IMPORT aliases and global ARGs. */
export interface FileScope {
  directory: string;
  path: string;
  buildfile: Buildfile;
  imports: Map<string, ReferenceHome>;
  /** IMPORT aliases declared with --allow-privileged. */
  privilegedImports: Set<string>;
  globals: Map<string, string>;
  /** The file's text for definitions, so the daemon's errors point at `Buildfile:line:col`. */
  sourceMap: SourceMap;
}

/** Everything a statement is planned with. */
export interface RecipeContext {
  reacher: Reacher;
  /** The invocation the statements belong to (a function's statements belong to its caller). */
  key: string;
  label: string;
  invocation: Invocation;
  /** The file the statements are written in (a function's own file inside DO). */
  file: FileScope;
  vars: Variables;
  inBase: boolean;
  /** False inside a remote function whose DO did not allow privileged commands. */
  privilegedCalls: boolean;
  /** The target's state, config and artifacts so far; a function changes its caller's. */
  build: WalkBuild;
  /** Inside TRY: its RUN captures its exit code, and leaves here the mount that holds it. */
  tryRun?: { exitCodes?: State };
  /** The context's expansion scope, made when first needed (see scopeOf). */
  scope?: ContextScope | undefined;
}

/** The build plus what only the walk needs: CACHE mounts, and the push phase once a RUN --push started it. */
export interface WalkBuild extends TargetBuild {
  caches: Mount[];
  pushPhase: PushPhase | undefined;
}

/**
 * A target split at its first RUN --push: `main` is the target as it stood before (what FROM, COPY
 * and its own run use); every later command builds on in the push phase, which `output` carries.
 */
interface PushPhase {
  main: TargetBuild;
  output: PushPhaseOutput;
}

// Commands that would leave the target or start another's effects: not allowed in a push phase.
const notInPushPhase = new Set<Statement["kind"]>(["FROM", "FROM_DOCKERFILE", "BUILD", "WAIT", "WITH_DOCKER", "LOCALLY"]);

/** Plans statements in order; synchronous until one waits (see maybe.ts). */
export function walkRecipe(ctx: RecipeContext, statements: readonly Statement[], from = 0): Maybe<void> {
  // A plain loop, not each(): this is the hottest loop of a plan.
  for (let i = from; i < statements.length; i++) {
    const pending = walkStatement(ctx, statements[i]!);
    if (pending !== undefined) return pending.then(() => walkRecipe(ctx, statements, i + 1));
  }
  return undefined;
}

/** Where an op comes from, for the source map (BuildKit counts characters from 0). */
export function locationOf(ctx: RecipeContext, range: SourceRange): SourceLocation {
  const { start, end } = range;
  return ctx.file.sourceMap.span(start.line, start.column - 1, end.line, end.column - 1);
}

/** The source map of a loaded Buildfile, named relative to the entry's directory (a remote one as it is). */
export function sourceMapOf(ctx: { reacher: Reacher }, path: string, text: string): SourceMap {
  return new SourceMap(displayPath(ctx.reacher.request.entry.directory, path), text, "Buildfile");
}

/**
 * COPY's context: the invoked target's Buildfile directory (a function inherits its caller's, as
 * in Earthly), from this machine or from the git checkout the Buildfile came from.
 */
function copyContextOf(ctx: RecipeContext): CopyContext {
  const directory = ctx.invocation.directory;
  const checkout = ctx.reacher.checkoutOf(directory);
  if (checkout === undefined) {
    const name = ctx.reacher.contextName(directory);
    const uniqueId = ctx.reacher.request.contextId?.(directory);
    return { kind: "local", name, sources: ctx.reacher.contextSources(name), ...(uniqueId === undefined ? {} : { uniqueId }) };
  }
  return { kind: "checkout", state: checkoutState(checkout), directory: parseRemoteDirectoryKey(directory)!.subdirectory };
}

/** The variables and the engine a context's words expand with. */
class ContextScope implements ExpansionScope {
  constructor(readonly ctx: RecipeContext) {}

  /** A LOCALLY target's $(...) runs on the host, like its RUNs (LOCALLY may come mid-recipe: asked each time). */
  get shellOut(): ExpansionScope["shellOut"] {
    const ctx = this.ctx;
    return ctx.build.host === undefined ? undefined : (command, at) => hostShellOut(hostEvaluationOf(ctx), command, at);
  }

  lookup(name: string): string | undefined {
    return this.ctx.vars.lookup(name);
  }

  get engine(): Engine | undefined {
    return this.ctx.reacher.request.engine;
  }

  place(): BuildPlace {
    const ctx = this.ctx;
    return { target: ctx.label, platform: ctx.invocation.platform, environment: ctx.vars.runEnvironment(), state: ctx.build.state };
  }
}

/**
 * The scope of a context: one per context, not one per statement. A context copied with a spread
 * (DO, TRY) carries the original's scope, which is for the original: it gets its own.
 */
export function scopeOf(ctx: RecipeContext): ExpansionScope {
  let scope = ctx.scope;
  if (scope === undefined || scope.ctx !== ctx) ctx.scope = scope = new ContextScope(ctx);
  return scope;
}

/** The environment a LOCALLY target's host commands get on top of the host's: its ENVs, ARGs and LETs. */
function hostEnvironmentOf(ctx: RecipeContext): Array<[string, string]> {
  return [...ctx.vars.envEntries(), ...ctx.vars.runEnvironment()];
}

function hostEvaluationOf(ctx: RecipeContext): HostEvaluationContext {
  const reacher = ctx.reacher;
  return {
    shell: reacher.request.host,
    place: { target: ctx.label, directory: ctx.build.host!.directory, environment: hostEnvironmentOf(ctx) },
    runs: reacher.hostRuns,
    phase: reacher.phase,
    formatAt: reacher.formatAt,
    record: (evaluation) => reacher.hostEvaluations.push(evaluation),
  };
}

// Statements whose own op is not new: blocks and DO record their inner statements themselves.
const stepless = new Set<Statement["kind"]>(["DO", "IF", "FOR", "WAIT", "TRY", "WITH_DOCKER"]);

/**
 * Plans one statement and, when it added an op to the target's state or artifacts, records which
 * command it was, so progress can show `+build | RUN make` with the Buildfile position.
 */
function walkStatement(ctx: RecipeContext, s: Statement): Maybe<void> {
  const stateBefore = ctx.build.state.output?.vertex;
  const artifactsBefore = ctx.build.artifacts.output?.vertex;
  if (ctx.reacher.request.strict === true) refuseUnrepeatable(s);
  if (ctx.build.pushPhase !== undefined && notInPushPhase.has(s.kind)) {
    throw new EbuildError("semantic", `${s.kind.replace("_", " ")} after RUN --push: every command after a RUN --push runs in the push phase, after the build`, {
      at: positionOf(s.range),
      hint: "move it above the first RUN --push, or into another target",
    });
  }
  // One position per statement, shared by its step, edges and effects.
  const at = positionOf(s.range);
  let pending: Maybe<void>;
  try {
    pending = planStatement(ctx, s, at);
  } catch (error) {
    throw positioned(error, at);
  }
  if (pending instanceof Promise) {
    return pending.then(
      () => recordStep(ctx, s, stateBefore, artifactsBefore),
      (error: unknown) => {
        throw positioned(error, at);
      },
    );
  }
  recordStep(ctx, s, stateBefore, artifactsBefore);
}

/** After a statement: the op it added, named for progress, and its part of a push phase. */
function recordStep(ctx: RecipeContext, s: Statement, stateBefore: unknown, artifactsBefore: unknown): void {
  if (stepless.has(s.kind)) return;
  if (ctx.build.pushPhase !== undefined && s.kind !== "SAVE_IMAGE" && s.kind !== "SAVE_ARTIFACT") {
    ctx.build.pushPhase.output.commands.push(s.kind === "RUN" && s.flags.push ? `RUN --push ${commandText(s)}` : commandOf(s));
  }
  const newState = ctx.build.state.output?.vertex !== stateBefore;
  const newArtifacts = ctx.build.artifacts.output?.vertex !== artifactsBefore;
  if (!newState && !newArtifacts) return;
  const step = new StatementStep(ctx.label, s);
  if (newState) ctx.reacher.addStep(ctx.build.state, ctx.invocation.platform, step);
  if (newArtifacts) ctx.reacher.addStep(ctx.build.artifacts, ctx.invocation.platform, step);
}

function declareArg(ctx: RecipeContext, s: ArgCommand, at: SourcePosition, defaultValue: string | undefined): void {
  const name = s.name.text;
  const value = ctx.vars.declareArg({ name, defaultValue, required: s.flags.required, at });
  if (s.flags.global) ctx.file.globals.set(name, value);
}

function saveImage(ctx: RecipeContext, s: SaveImageCommand, at: SourcePosition, names: string[]): void {
  // The platform of what is saved: a FROM --platform (or FROM of a target built for one) sets it.
  const statePlatform = ctx.build.state.getPlatform();
  const platform = statePlatform === undefined ? ctx.invocation.platform : formatPlatform(statePlatform);
  const output = { kind: "image" as const, names, push: s.flags.push, insecure: s.flags.insecure, platform, state: ctx.build.state, config: copyConfig(ctx.build.config), pushPhase: ctx.build.pushPhase !== undefined };
  ctx.reacher.graph.addStatement({ kind: "image", phase: ctx.reacher.phase, invocation: ctx.key, what: names.join(" ") || "(no name)", at, image: { names, platform, single: s.flags.noManifestList }, output });
}

function saveArtifact(ctx: RecipeContext, s: SaveArtifactCommand, at: SourcePosition, [source = "", artifactDest]: ReadonlyArray<string | undefined>): Maybe<void> {
  // A LOCALLY target saves host files: they reach the build as an upload of its directory.
  const host = ctx.build.host;
  const from: WalkBuild = host === undefined ? ctx.build : { ...ctx.build, state: hostFiles(source, ctx.reacher.namedContext("host", host.directory), at, ctx.reacher.request.contextId?.(host.directory)) };
  planSaveArtifact(from, s, source, artifactDest);
  ctx.build.artifacts = from.artifacts;
  return s.asLocal === undefined ? undefined : recordLocalArtifact(ctx, from, s, source, s.asLocal, at);
}

/**
 * The LLB builder's own checks (a mount target used twice, a git URL that does not parse) know no
 * Buildfile; the statement that called them is where to point.
 */
function positioned(error: unknown, at: SourcePosition): unknown {
  if (!(error instanceof EbuildError) || error.kind !== "semantic" || error.at !== undefined) return error;
  return new EbuildError(error.kind, error.message, { at, ...(error.hint === undefined ? {} : { hint: error.hint }), cause: error.cause });
}

/** The command as written, for progress: keyword and arguments. */
/**
 * A statement's step, as progress shows it: `+build | RUN make`. The command is spelled out when
 * first read (thousands of steps are recorded; a build shows the few that run).
 */
class StatementStep implements PlannedStep {
  readonly #statement: Statement;
  #command: string | undefined;
  #at: SourcePosition | undefined;

  constructor(
    readonly target: string,
    statement: Statement,
  ) {
    this.#statement = statement;
  }

  get command(): string {
    return (this.#command ??= commandOf(this.#statement));
  }

  /** Made when read, like the command: a plan keeps a step per op, and progress shows few. */
  get at(): SourcePosition {
    return (this.#at ??= positionOf(this.#statement.range));
  }

  /** As a plain step: `ebuild plan --json` prints it. */
  toJSON(): PlannedStep {
    return { target: this.target, command: this.command, at: this.at };
  }
}

function commandOf(s: Statement): string {
  const keyword = s.kind.replace("_", " ");
  const args = "args" in s ? s.args.map((w) => w.text).join(" ") : "";
  return args === "" ? keyword : `${keyword} ${args}`;
}

function planStatement(ctx: RecipeContext, s: Statement, at: SourcePosition): Maybe<void> {
  const scope = scopeOf(ctx);
  if (ctx.build.host !== undefined) checkAllowedLocally(s, at);
  switch (s.kind) {
    case "ARG": {
      if (s.flags.global && !ctx.inBase) {
        throw new EbuildError("semantic", "ARG --global is allowed only in the base recipe", { at, hint: "move it above the first target" });
      }
      if (s.value === undefined) return declareArg(ctx, s, at, undefined);
      const defaultValue = expandNow(s.value, scope);
      return typeof defaultValue === "string" ? declareArg(ctx, s, at, defaultValue) : defaultValue.then((value) => declareArg(ctx, s, at, value));
    }
    case "LET":
      return then(s.value === undefined ? "" : expandNow(s.value, scope), (value) => ctx.vars.let(s.name.text, value, at));
    case "SET":
      return then(s.value === undefined ? "" : expandNow(s.value, scope), (value) => ctx.vars.set(s.name.text, value, at));
    case "ENV":
      return planEnv(ctx.build, s, scope, (name, value) => ctx.vars.setEnv(name, value));
    case "WORKDIR":
      if (ctx.build.host !== undefined) {
        const host = ctx.build;
        return then(expandNow(s.path, scope), (path) => planHostWorkdir(host, path));
      }
      return planWorkdir(ctx.build, s, scope);
    case "USER":
      return planUser(ctx.build, s, scope);
    case "ENTRYPOINT":
      return planEntrypoint(ctx.build, s);
    case "CMD":
      return planCmd(ctx.build, s);
    case "LABEL":
      return planLabel(ctx.build, s, scope);
    case "EXPOSE":
      return planExpose(ctx.build, s, scope);
    case "VOLUME":
      return planVolume(ctx.build, s, scope);
    case "HEALTHCHECK":
      return planHealthcheck(ctx.build, s, scope);
    case "HOST":
      return planHost(ctx.build, s, scope);
    case "CACHE":
      return walkCache(ctx, s, at);
    case "IMPORT":
      return walkImport(ctx, s, at);
    case "FROM":
      return walkFrom(ctx, s, at);
    case "FROM_DOCKERFILE":
      return walkFromDockerfile(ctx, s, at).then(() => ctx.vars.replaceEnv(configEnvPairs(ctx.build.config)));
    case "BUILD":
      return then(expandNow(s.target, scope), (target) => {
        const ref = parseTargetReference(target, positionOf(s.target.range));
        const platforms = s.flags.platforms.length === 0 ? [ctx.invocation.platform] : mapEach(s.flags.platforms, (word) => expandNow(word, scope));
        return then(platforms, (platforms) =>
          then(overridesOf(ctx, s.overrides, s.flags.buildArgs), (overrides) =>
            then(invokeAll(ctx, ref, { kind: "BUILD", overrides, passArgs: s.flags.passArgs, allowPrivileged: s.flags.allowPrivileged, platforms, at }), () => undefined),
          ),
        );
      });
    case "COPY":
      return walkCopy(ctx, s);
    case "WITH_DOCKER":
      return walkWithDocker(ctx, s);
    case "DO":
      return callFunction(ctx, s.function, s.overrides, s.flags, at);
    case "RUN":
      if (ctx.build.host !== undefined) {
        ctx.reacher.hostRuns.push(planHostRun(ctx.build, s, { target: ctx.label, environment: hostEnvironmentOf(ctx), phase: ctx.reacher.phase, at }));
        return;
      }
      noteRunNeeds(ctx, s.flags.privileged, s.flags.secrets, s.flags.mounts.map((m) => m.options), at);
      if (s.flags.privileged && isRemote(ctx.file.directory)) {
        ctx.reacher.privileges.addRun({ key: ctx.key, label: ctx.label, allowedByCalls: ctx.privilegedCalls, at });
      }
      if (s.flags.network?.text === "host") ctx.reacher.needEntitlement("network.host", at);
      if (s.flags.push && ctx.build.pushPhase === undefined) startPushPhase(ctx, commandText(s), at);
      {
        const captureExitCode = ctx.tryRun !== undefined;
        const exec = planRun(ctx.build, s, { environment: ctx.vars.runEnvironment(), cacheScope: ctx.key, caches: ctx.build.caches, location: locationOf(ctx, s.range), pushPhase: ctx.build.pushPhase !== undefined, captureExitCode });
        if (ctx.tryRun !== undefined) ctx.tryRun.exitCodes = exec.getMount(exitCodeMount);
      }
      return;
    case "SAVE_IMAGE": {
      if (s.names.length === 1) {
        // One name word (most SAVE IMAGEs): its names as they are, no list of lists to flatten.
        const names = expandSplitNow(s.names[0]!, scope);
        return names instanceof Promise ? names.then((ready) => saveImage(ctx, s, at, ready)) : saveImage(ctx, s, at, names);
      }
      const split = s.names.map((w) => expandSplitNow(w, scope));
      if (split.some((names) => names instanceof Promise)) return Promise.all(split).then((ready) => saveImage(ctx, s, at, ready.flat()));
      return saveImage(ctx, s, at, (split as string[][]).flat());
    }
    case "SAVE_ARTIFACT": {
      const words = expandAllNow([s.source, s.artifactDest], scope);
      return words instanceof Promise ? words.then((ready) => saveArtifact(ctx, s, at, ready)) : saveArtifact(ctx, s, at, words);
    }
    case "IF":
      return walkIf(ctx, s.branches, s.elseBody);
    case "FOR":
      return walkFor(ctx, s.variable, s.expression, s.flags.sep, s.body, at);
    case "WAIT":
      // What the block saves is written before anything after the block starts.
      return then(walkRecipe(ctx, s.body), () => {
        ctx.reacher.phase++;
      });
    case "TRY":
      return walkTry(ctx, s);
    case "GIT_CLONE":
      return walkGitClone(ctx, s);
    case "LOCALLY":
      if (ctx.reacher.request.ci === true) {
        throw new EbuildError("semantic", "LOCALLY is not allowed with --ci: a CI build runs only in containers", { at, hint: "run this target without --ci" });
      }
      return planLocally(ctx.build, ctx.file.directory);
    case "UNSUPPORTED":
      throw new EbuildError("semantic", `${s.keyword} is not supported`, { at, hint: "see `ebuild --help` for the commands ebuild runs" });
    case "PROJECT":
      // Earthly Cloud's project name: accepted and ignored.
      return;
    default: {
      const unhandled: never = s;
      throw new EbuildError("internal", `no planner for ${(unhandled as Statement).kind}`, { at });
    }
  }
}

async function walkCache(ctx: RecipeContext, s: CacheCommand, at: SourcePosition): Promise<void> {
  const scope = scopeOf(ctx);
  const path = await expandNow(s.path, scope);
  const id = s.flags.id === undefined ? `${ctx.key}${path}` : await expandNow(s.flags.id, scope);
  const sharing = s.flags.sharing === undefined ? "shared" : await expandNow(s.flags.sharing, scope);
  if (sharing !== "shared" && sharing !== "private" && sharing !== "locked") {
    throw new EbuildError("semantic", `CACHE --sharing ${sharing} is not one of shared, private, locked`, { at });
  }
  ctx.build.caches.push({ type: "cache", target: ctx.build.state.dir(path).getDir(), id, sharing });
}

async function walkImport(ctx: RecipeContext, s: ImportCommand, at: SourcePosition): Promise<void> {
  const ref = await expandNow(s.ref, scopeOf(ctx));
  const home = parseReference(`${ref}+x`, positionOf(s.ref.range)).home;
  const alias = s.alias === undefined ? defaultAlias(ref, home) : s.alias.text;
  if (alias === ".." || alias === "." || alias === "") {
    throw new EbuildError("semantic", `IMPORT ${ref} needs an alias`, { at, hint: `write IMPORT ${ref} AS name` });
  }
  if (ctx.file.imports === noImports) ctx.file.imports = new Map();
  ctx.file.imports.set(alias, home);
  if (!s.flags.allowPrivileged) return;
  if (ctx.file.privilegedImports === noPrivilegedImports) ctx.file.privilegedImports = new Set();
  ctx.file.privilegedImports.add(alias);
}

/** An empty map that refuses writes: it is shared. */
class SharedEmptyMap<K, V> extends Map<K, V> {
  override set(): this {
    throw new EbuildError("internal", "a shared empty scope was written to");
  }
}

class SharedEmptySet<T> extends Set<T> {
  override add(): this {
    throw new EbuildError("internal", "a shared empty scope was written to");
  }
}

/**
 * A target's file scope when its Buildfile has no base recipe (see Reacher#planTarget): empty and
 * shared. walkImport replaces them with its own; ARG --global is refused outside the base recipe.
 */
export const noImports: Map<string, ReferenceHome> = new SharedEmptyMap();
export const noPrivilegedImports: Set<string> = new SharedEmptySet();
export const noGlobals: Map<string, string> = new SharedEmptyMap();

/** FROM an image (its config from the engine) or FROM +target (its planned result). */
function walkFrom(ctx: RecipeContext, s: FromCommand, at: SourcePosition): Maybe<void> {
  const words = expandAllNow([s.image, s.flags.platform], scopeOf(ctx));
  return words instanceof Promise ? words.then((ready) => startFrom(ctx, s, at, ready)) : startFrom(ctx, s, at, words);
}

function startFrom(ctx: RecipeContext, s: FromCommand, at: SourcePosition, [image = "", written]: ReadonlyArray<string | undefined>): Maybe<void> {
  const platform = written ?? ctx.invocation.platform;
  // The target is built for that platform from here on (its later ARG TARGETPLATFORM, its image).
  if (written !== undefined) ctx.vars.setTargetPlatform(platform);
  if (!looksLikeReference(image)) {
    return planFromImage(ctx.build, image, platform, ctx.reacher.request.engine, at).then(() => ctx.vars.replaceEnv(configEnvPairs(ctx.build.config)));
  }
  const ref = parseTargetReference(image, positionOf(s.image.range));
  return then(overridesOf(ctx, s.overrides, s.flags.buildArgs), (overrides) =>
    then(invokeAll(ctx, ref, { kind: "FROM", overrides, passArgs: s.flags.passArgs, allowPrivileged: s.flags.allowPrivileged, platforms: [platform], at }), (keys) => {
      if (keys.length !== 1) throw new EbuildError("semantic", "FROM takes a single value of each ARG", { at, hint: "use BUILD for a matrix" });
      const from = ctx.reacher.resultOf(keys[0]!);
      if (from.host !== undefined) {
        throw new EbuildError("semantic", `FROM ${image}: a LOCALLY target has no image to start from`, { at, hint: "BUILD it, or COPY the artifacts it saves" });
      }
      planFromTarget(ctx.build, from);
      ctx.vars.replaceEnv(configEnvPairs(ctx.build.config));
    }),
  );
}

/** COPY from the context and from other targets' artifacts (each such target invoked like FROM's). */
function walkCopy(ctx: RecipeContext, s: CopyCommand): Maybe<void> {
  const scope = scopeOf(ctx);
  // Every word of one COPY sees the same variables: they expand together, before any source is used.
  const words = expandAllNow([s.flags.platform, ...s.sources.map((source) => source.source), s.flags.chmod, s.flags.chown, s.dest], scope);
  return words instanceof Promise ? words.then((ready) => copyFrom(ctx, s, ready, [], 0)) : copyFrom(ctx, s, words, [], 0);
}

/** Adds COPY's sources from the `from`th on, then copies; `words` are --platform, the sources, --chmod, --chown, dest. */
function copyFrom(ctx: RecipeContext, s: CopyCommand, words: ReadonlyArray<string | undefined>, sources: CopyFrom[], from: number): Maybe<void> {
  const count = s.sources.length;
  const platform = words[0] ?? ctx.invocation.platform;
  for (let i = from; i < count; i++) {
    const text = words[1 + i] ?? "";
    if (!looksLikeReference(text)) {
      sources.push({ kind: "context", path: text });
      continue;
    }
    const source = s.sources[i]!;
    const ref = parseArtifactReference(text, positionOf(source.source.range));
    const added = then(overridesOf(ctx, source.overrides, s.flags.buildArgs), (overrides) => {
      const edge = { kind: "COPY" as const, overrides, passArgs: s.flags.passArgs, allowPrivileged: s.flags.allowPrivileged, platforms: [platform], at: positionOf(source.range) };
      return then(invokeAll(ctx, ref, edge), (keys) => {
        for (const key of keys) sources.push({ kind: "artifact", artifacts: ctx.reacher.resultOf(key).artifacts, path: ref.path });
      });
    });
    if (added instanceof Promise) return added.then(() => copyFrom(ctx, s, words, sources, i + 1));
  }
  const flags = { chmod: words[1 + count], chown: words[2 + count] };
  planCopy(ctx.build, s, sources, words[3 + count] ?? "", flags, () => copyContextOf(ctx), locationOf(ctx, s.range));
  return undefined;
}

/** A shallow checkout of the ref; the clone lands in dest like `git clone url dest`. */
async function walkGitClone(ctx: RecipeContext, s: GitCloneCommand): Promise<void> {
  const scope = scopeOf(ctx);
  // The URL rewrites of remote references apply here too, as git's insteadOf would.
  const url = rewriteGitUrl(await expandNow(s.url, scope), ctx.reacher.request.git);
  const ref = s.flags.branch === undefined ? "" : await expandNow(s.flags.branch, scope);
  const dest = await expandNow(s.dest, scope);
  const repo = git(url, ref, { keepGitDir: true, description: `GIT CLONE ${url}` });
  const timestamp = s.flags.keepTs ? {} : { timestamp: constantCopyTime };
  ctx.build.state = ctx.build.state.file(copy(repo, "/", dest, { copyDirContentsOnly: true, createDestPath: true, ...timestamp }), { description: `GIT CLONE ${url} ${dest}` });
}

/**
 * FROM DOCKERFILE: its words expanded here, artifact references invoked like COPY's (with the
 * build args as overrides, as Earthly does); the rest is commands/from-dockerfile.ts.
 */
async function walkFromDockerfile(ctx: RecipeContext, s: FromDockerfileCommand, at: SourcePosition): Promise<void> {
  const expand = (word: Word) => expandOne(word, scopeOf(ctx));
  const platform = s.flags.platform === undefined ? ctx.invocation.platform : await expand(s.flags.platform);
  const buildArgs = await overridesOf(ctx, s.overrides, s.flags.buildArgs);
  const artifactsOf = async (text: string, word: Word): Promise<ArtifactSource> => {
    const ref = parseArtifactReference(text, positionOf(word.range));
    // As in Earthly, --allow-privileged also lets a remote target of the context or -f run RUN --privileged.
    const keys = await invokeAll(ctx, ref, { kind: "COPY", overrides: buildArgs, passArgs: false, allowPrivileged: s.flags.allowPrivileged, platforms: [platform], at: positionOf(word.range) });
    if (keys.length !== 1) throw new EbuildError("semantic", "FROM DOCKERFILE takes a single value of each build arg", { at });
    return { artifacts: ctx.reacher.resultOf(keys[0]!).artifacts, path: ref.path };
  };
  const request = await resolveDockerfileInputs(
    {
      context: { text: await expand(s.context), word: s.context },
      ...(s.flags.file === undefined ? {} : { file: { text: await expand(s.flags.file), word: s.flags.file } }),
      directory: ctx.file.directory,
      reader: ctx.reacher.request.reader,
      artifactsOf,
      contextName: (directory) => ctx.reacher.namedContext("dockerfile", directory),
    },
    {
      target: ctx.label,
      platform,
      stage: s.flags.target === undefined ? undefined : await expand(s.flags.target),
      buildArgs,
    },
  );
  const needs = await planFromDockerfile(ctx.build, request.build, ctx.reacher.request.engine, request.contextName, { at, allowPrivileged: s.flags.allowPrivileged, location: locationOf(ctx, s.range) });
  for (const entitlement of needs.entitlements) ctx.reacher.needEntitlement(entitlement, at);
  for (const id of needs.requiredSecrets) ctx.reacher.secrets.add(id);
}

/** Overrides as written (`--A=v`, deprecated `--build-arg A=v`), expanded in the caller's scope. */
export function overridesOf(ctx: RecipeContext, overrides: readonly ArgOverride[], buildArgs: readonly Word[]): Maybe<Array<[string, string]>> {
  if (overrides.length === 0 && buildArgs.length === 0) return [];
  const scope = scopeOf(ctx);
  const out: Array<[string, string]> = [];
  const fromBuildArgs = each(buildArgs, (word) =>
    then(expandNow(word, scope), (text) => {
      const [name = "", ...rest] = text.split("=");
      checkOverridable(name, "semantic", positionOf(word.range));
      out.push([name, rest.length > 0 ? rest.join("=") : (ctx.vars.lookup(name) ?? "")]);
    }),
  );
  const fromOverrides = () =>
    each(overrides, (o) => {
      checkOverridable(o.name, "semantic", positionOf(o.range));
      // A bare `--NAME` passes the caller's value of NAME.
      return then(o.value === undefined ? (ctx.vars.lookup(o.name) ?? "") : expandNow(o.value, scope), (value) => void out.push([o.name, value]));
    });
  return then(then(fromBuildArgs, fromOverrides), () => out);
}

/**
 * Invokes a referenced target for each platform and each matrix combination. Overrides received by
 * this invocation propagate to targets of the same Buildfile; `--pass-args` forwards every ARG to
 * any Buildfile; explicit overrides win.
 */
export function invokeAll(ctx: RecipeContext, ref: Reference, edge: EdgeOptions): Maybe<string[]> {
  const { kind, overrides: explicit, passArgs, platforms, at } = edge;
  const directory = directoryOfReference(ref, ctx.file, at);
  const allowPrivileged = edge.allowPrivileged || (ref.home.kind === "import" && ctx.file.privilegedImports.has(ref.home.alias));
  // Checked here, where the position is known, not when the invoked target is planned.
  for (const platform of platforms) checkPlatform(platform, kind, at);
  const base = inheritedOverrides(ctx, directory, passArgs, explicit);
  const via = { from: ctx.key, kind, at, allowPrivileged };
  // Most edges are one invocation without overrides: no matrix to expand.
  if (platforms.length === 1 && explicit.length === 0 && base.length === 0) {
    return invokeEach(ctx.reacher, [{ directory, name: ref.name, overrides: base, platform: platforms[0]! }], via, [], 0);
  }
  const invocations: Invocation[] = [];
  for (const platform of platforms) {
    for (const combo of matrixOf(explicit)) invocations.push({ directory, name: ref.name, overrides: [...base, ...combo], platform });
  }
  return invokeEach(ctx.reacher, invocations, via, [], 0);
}

/** Invokes each invocation in order from the `from`th, adding their keys to `keys`. */
function invokeEach(reacher: Reacher, invocations: readonly Invocation[], via: Parameters<Reacher["invoke"]>[1], keys: string[], from: number): Maybe<string[]> {
  for (let i = from; i < invocations.length; i++) {
    const key = reacher.invoke(invocations[i]!, via);
    if (key instanceof Promise) {
      return key.then((ready) => {
        keys.push(ready);
        return invokeEach(reacher, invocations, via, keys, i + 1);
      });
    }
    keys.push(key);
  }
  return keys;
}

const noInheritedOverrides: ReadonlyArray<readonly [string, string]> = Object.freeze([]);

/** How a statement reaches other targets: the edge's kind, its arguments and flags, where it stands. */
export interface EdgeOptions {
  kind: EdgeKind;
  overrides: Array<[string, string]>;
  passArgs: boolean;
  allowPrivileged: boolean;
  platforms: readonly string[];
  at: SourcePosition;
}

/**
 * What an invocation passes on besides its explicit overrides: the values it received, to targets
 * of its own Buildfile, and with `--pass-args` every ARG.
 */
function inheritedOverrides(ctx: RecipeContext, directory: string, passArgs: boolean, explicit: ReadonlyArray<readonly [string, string]>): ReadonlyArray<readonly [string, string]> {
  const sameFile = directory === ctx.invocation.directory && ctx.invocation.overrides.length > 0;
  // Shared and never changed: an invocation keeps its overrides, and most have none.
  if (!sameFile && !passArgs) return noInheritedOverrides;
  const inherited = new Map<string, string>();
  if (sameFile) for (const [k, v] of ctx.invocation.overrides) inherited.set(k, v);
  if (passArgs) for (const [k, v] of ctx.vars.passArgs()) inherited.set(k, v);
  for (const [k] of explicit) inherited.delete(k);
  return [...inherited];
}

// Platforms already checked: a Buildfile names a handful, in thousands of statements.
const validPlatforms = new Set<string>();

function checkPlatform(platform: string, kind: EdgeKind, at: SourcePosition): void {
  if (validPlatforms.has(platform)) return;
  try {
    parsePlatform(platform);
  } catch (error) {
    throw new EbuildError("semantic", `${kind} --platform=${platform}: ${(error as Error).message}`, { at, hint: "write os/arch or os/arch/variant, e.g. linux/amd64" });
  }
  validPlatforms.add(platform);
}

/** DO: the function's statements run in the caller's invocation, with their own ARG scope. */
async function callFunction(ctx: RecipeContext, word: Word, overrides: readonly ArgOverride[], flags: { passArgs: boolean; allowPrivileged: boolean }, at: SourcePosition): Promise<void> {
  const { passArgs } = flags;
  const ref = parseFunctionReference(await expandOne(word, scopeOf(ctx)), positionOf(word.range));
  const directory = directoryOfReference(ref, ctx.file, at);
  // A remote function may run privileged commands only when this DO (or its IMPORT) allows it,
  // or when it comes from the caller's own checkout.
  const allowedHere =
    !isRemote(directory) || flags.allowPrivileged || (ref.home.kind === "import" && ctx.file.privilegedImports.has(ref.home.alias)) || sameCheckout(directory, ctx.file.directory);
  const loaded = await ctx.reacher.loader.load(directory, at);
  const fn = loaded.parsed.functions.find((f) => f.name === ref.name);
  if (fn === undefined) {
    throw new EbuildError("semantic", `${loaded.path} has no function ${ref.name}`, {
      at,
      hint: `its functions are: ${loaded.parsed.functions.map((f) => `+${f.name}`).join(", ") || "none"}`,
    });
  }
  const args = new Map(passArgs ? ctx.vars.passArgs() : []);
  for (const [k, v] of await overridesOf(ctx, overrides, [])) args.set(k, v);
  const fnKey = `${directory}+${ref.name}`;
  ctx.reacher.graph.addInvocation(fnKey, `${relativeHome(ctx, directory)}+${ref.name}`);
  ctx.reacher.graph.addEdge({ from: ctx.key, to: fnKey, kind: "DO", at });
  ctx.reacher.stack.enter(`${fnKey} in ${ctx.key}`, `+${ref.name}`, { kind: "DO", at });
  const file = await fileScopeOf(ctx, loaded.directory, loaded.path, loaded.text, loaded.parsed);
  const privilegedCalls = ctx.privilegedCalls && allowedHere;
  await walkRecipe({ ...ctx, file, vars: ctx.vars.forFunction(args, file.globals), inBase: false, privilegedCalls }, fn.recipe);
  ctx.reacher.stack.leave(`${fnKey} in ${ctx.key}`);
}

function relativeHome(ctx: RecipeContext, directory: string): string {
  return describeDirectory(directory, ctx.reacher.request.entry.directory);
}

/**
 * IMPORT without AS: the last directory name, as Earthly names it. For a remote, the ref is no part
 * of it and a `.git` suffix is dropped (`IMPORT host/org/repo:v1` is `repo`).
 */
function defaultAlias(written: string, home: ReferenceHome): string {
  if (home.kind !== "remote") return baseName(written);
  const last = (home.subdirectory === "" ? home.repository : home.subdirectory).split("/").at(-1) ?? "";
  return last.replace(/\.git$/, "");
}

/** A function's Buildfile: its IMPORTs and ARG --global (with their defaults) serve the function. */
async function fileScopeOf(ctx: RecipeContext, directory: string, path: string, text: string, buildfile: Buildfile): Promise<FileScope> {
  if (directory === ctx.file.directory) return ctx.file;
  const file: FileScope = { directory, path, buildfile, imports: new Map(), privilegedImports: new Set(), globals: new Map(), sourceMap: ctx.reacher.sourceMap(path, text) };
  const vars = ctx.vars.forFunction(new Map(), new Map());
  const header = buildfile.baseRecipe.filter((s) => s.kind === "IMPORT" || (s.kind === "ARG" && s.flags.global));
  await walkRecipe({ ...ctx, file, vars, inBase: true }, header);
  return file;
}

async function walkIf(ctx: RecipeContext, branches: readonly IfBranch[], elseBody: Statement[] | undefined): Promise<void> {
  for (const branch of branches) {
    if (await evaluate(ctx, branch.condition, positionOf(branch.range))) return walkRecipe(ctx, branch.body);
  }
  return walkRecipe(ctx, elseBody ?? []);
}

async function evaluate(ctx: RecipeContext, condition: CommandLine, at: SourcePosition): Promise<boolean> {
  const command = condition.form === "exec" ? (condition.exec ?? []).join(" ") : condition.text;
  if (ctx.build.host !== undefined) return hostCondition(hostEvaluationOf(ctx), command, at);
  const engine = ctx.reacher.request.engine;
  if (engine === undefined) {
    throw new EbuildError("semantic", "IF needs the BuildKit daemon to evaluate its condition", { at, hint: "start the daemon (scripts/buildkit-up) and plan again" });
  }
  return engine.evaluateCondition(scopeOf(ctx).place(), command);
}

async function walkFor(ctx: RecipeContext, variable: Word, expression: readonly Word[], sep: Word | undefined, body: Statement[], at: SourcePosition): Promise<void> {
  const separators = sep === undefined ? "\n\t " : await expandOne(sep, scopeOf(ctx));
  const values: string[] = [];
  for (const word of expression) {
    const text = await expandOne(word, scopeOf(ctx));
    for (const value of text.split(new RegExp(`[${separators.replace(/[\]\\^-]/g, "\\$&")}]+`))) if (value !== "") values.push(value);
  }
  for (const value of values) {
    ctx.vars.setLoopVariable(variable.text, value, at);
    await walkRecipe(ctx, body);
  }
}

export function noteRunNeeds(
  ctx: RecipeContext,
  privileged: boolean,
  secrets: readonly Word[],
  mounts: ReadonlyArray<ReadonlyArray<{ key: string; value?: string }>>,
  at: SourcePosition,
): void {
  if (privileged) ctx.reacher.needEntitlement("security.insecure", at);
  for (const secret of secrets) {
    // `--secret ENV=id` or `--secret id`; an empty id means no secret.
    const text = secret.text;
    const id = text.includes("=") ? text.slice(text.indexOf("=") + 1) : text;
    if (id !== "") ctx.reacher.secrets.add(id);
  }
  for (const options of mounts) {
    const type = options.find((o) => o.key === "type")?.value;
    const id = options.find((o) => o.key === "id")?.value;
    if (type === "secret" && id !== undefined && id !== "") ctx.reacher.secrets.add(id);
  }
}

export function commandText(line: CommandLine): string {
  return line.form === "exec" ? JSON.stringify(line.exec ?? []) : line.text;
}

/**
 * SAVE ARTIFACT … AS LOCAL: the destination relative to the Buildfile's directory. A trailing `/`
 * saves under the artifact's own name; a glob merges into a directory; a path ending in `/` (or `.`)
 * replaces the directory; anything else is saved as what it is (a file, or a directory replaced).
 */
export async function recordLocalArtifact(
  ctx: RecipeContext,
  build: WalkBuild,
  command: SaveArtifactCommand,
  source: string,
  localWord: Word,
  at: SourcePosition,
  options: { finally?: boolean } = {},
): Promise<void> {
  // A remote Buildfile is someone else's code: its --force never lets it write outside the directory
  // of the target the user invoked.
  const remote = isRemote(ctx.file.directory) || isRemote(ctx.invocation.directory);
  const force = command.flags.force && !remote;
  const local = await expandOne(localWord, scopeOf(ctx));
  const glob = /[*?[]/.test(source);
  const named = local.endsWith("/") ? joinPath(local, glob ? "." : baseName(source)) : local;
  const destination = normalizePath(named);
  if (remote && !staysInside(destination)) {
    throw new EbuildError("semantic", `AS LOCAL ${local} leaves the directory of the invoked target, and this Buildfile is remote`, {
      at: positionOf(localWord.range),
      hint: "a remote Buildfile writes only below the invoked target's directory; SAVE ARTIFACT --force does not apply to it",
    });
  }
  if (!force && !staysInside(destination)) {
    throw new EbuildError("semantic", `AS LOCAL ${local} leaves the Buildfile's directory`, { at: positionOf(localWord.range), hint: "use SAVE ARTIFACT --force to write outside it" });
  }
  const shape = glob ? "merge" : source.endsWith("/") || source.endsWith("/.") ? "replace" : "file";
  ctx.reacher.graph.addStatement({
    kind: "artifact",
    phase: ctx.reacher.phase,
    invocation: ctx.key,
    what: destination,
    at,
    output: {
      kind: "artifact",
      source,
      baseDir: ctx.reacher.outputDirectoryOf(ctx.invocation.directory),
      destination,
      shape,
      force,
      state: localArtifactState(build, command, source, shape),
      pushPhase: ctx.build.pushPhase !== undefined,
      ...(options.finally === true ? { finally: true } : {}),
    },
  });
}

/**
 * The first RUN --push splits the target: what it was so far stays its result, and this command
 * and every later one form its push phase, which runs only under --push, after the build.
 */
function startPushPhase(ctx: RecipeContext, command: string, at: SourcePosition): void {
  const build = ctx.build;
  const output: PushPhaseOutput = { kind: "push-run", commands: [], state: build.state };
  build.pushPhase = { main: { state: build.state, config: copyConfig(build.config), artifacts: build.artifacts }, output };
  ctx.reacher.graph.addStatement({ kind: "push-run", phase: ctx.reacher.phase, invocation: ctx.key, what: command, at, output });
}
