/**
 * Walking a recipe, statement by statement: variables are declared and expanded in order, the
 * targets a statement needs are invoked (BUILD, FROM, COPY, WITH DOCKER --load), functions are
 * inlined (DO), and SAVE statements and RUN --push are recorded for the invocation.
 */
import { EbuildError, type SourcePosition } from "../errors.js";
import type { ArgOverride, Buildfile, CommandLine, FromDockerfileCommand, IfBranch, SaveArtifactCommand, Statement, Word } from "../parser/ast.js";
import { planFromDockerfile, resolveDockerfileInputs, type ArtifactSource } from "./commands/from-dockerfile.js";
import { configEnvPairs, copyConfig } from "./build-state.js";
import { describeDirectory, type EdgeKind, type Invocation } from "./invocation.js";
import { expandOne, expandSplit, positionOf, type ExpansionScope } from "./expansion.js";
import { directoryOfReference } from "./locate.js";
import { baseName, joinPath, normalizePath, staysInside } from "./paths.js";
import { checkoutState, displayPath, isRemote, parseRemoteDirectoryKey, rewriteGitUrl, sameCheckout } from "./remote.js";
import type { PushPhaseOutput, Reacher } from "./reach.js";
import { matrixOf } from "./reach.js";
import { looksLikeReference, parseArtifactReference, parseFunctionReference, parseReference, parseTargetReference, type Reference, type ReferenceHome } from "./reference.js";
import { checkOverridable, type Variables } from "./variables.js";
import type { TargetBuild } from "./build-state.js";
import { planCmd, planEntrypoint, planEnv, planExpose, planHealthcheck, planHost, planLabel, planUser, planVolume, planWorkdir } from "./commands/config.js";
import { planCopy, type CopyContext, type CopyFrom } from "./commands/copy.js";
import { planFromImage, planFromTarget } from "./commands/from.js";
import { exitCodeMount, planRun } from "./commands/run.js";
import { walkTry } from "./walk-try.js";
import { walkWithDocker } from "./walk-with-docker.js";
import { refuseUnrepeatable } from "./strict.js";
import { localArtifactState, planSaveArtifact } from "./commands/save.js";
import { checkAllowedLocally, hostFiles, planHostRun, planHostWorkdir, planLocally } from "./commands/locally.js";
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

export async function walkRecipe(ctx: RecipeContext, statements: readonly Statement[]): Promise<void> {
  for (const statement of statements) await walkStatement(ctx, statement);
}

/** Where an op comes from, for the source map (BuildKit counts characters from 0). */
export function locationOf(ctx: RecipeContext, range: SourceRange): SourceLocation {
  return ctx.file.sourceMap.at({
    start: { line: range.start.line, character: range.start.column - 1 },
    end: { line: range.end.line, character: range.end.column - 1 },
  });
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
  if (checkout === undefined) return { kind: "local", name: ctx.reacher.contextName(directory) };
  return { kind: "checkout", state: checkoutState(checkout), directory: parseRemoteDirectoryKey(directory)!.subdirectory };
}

export function scopeOf(ctx: RecipeContext): ExpansionScope {
  return {
    lookup: (name) => ctx.vars.lookup(name),
    engine: ctx.reacher.request.engine,
    place: () => ({ target: ctx.label, platform: ctx.invocation.platform, environment: ctx.vars.runEnvironment(), state: ctx.build.state }),
  };
}

// Statements whose own op is not new: blocks and DO record their inner statements themselves.
const stepless = new Set<Statement["kind"]>(["DO", "IF", "FOR", "WAIT", "TRY", "WITH_DOCKER"]);

/**
 * Plans one statement and, when it added an op to the target's state or artifacts, records which
 * command it was, so progress can show `+build | RUN make` with the Buildfile position.
 */
async function walkStatement(ctx: RecipeContext, s: Statement): Promise<void> {
  const before = { state: ctx.build.state.output?.vertex, artifacts: ctx.build.artifacts.output?.vertex };
  if (ctx.reacher.request.strict === true) refuseUnrepeatable(s);
  if (ctx.build.pushPhase !== undefined && notInPushPhase.has(s.kind)) {
    throw new EbuildError("semantic", `${s.kind.replace("_", " ")} after RUN --push: every command after a RUN --push runs in the push phase, after the build`, {
      at: positionOf(s.range),
      hint: "move it above the first RUN --push, or into another target",
    });
  }
  try {
    await planStatement(ctx, s);
  } catch (error) {
    throw positioned(error, positionOf(s.range));
  }
  if (stepless.has(s.kind)) return;
  if (ctx.build.pushPhase !== undefined && s.kind !== "SAVE_IMAGE" && s.kind !== "SAVE_ARTIFACT") {
    ctx.build.pushPhase.output.commands.push(s.kind === "RUN" && s.flags.push ? `RUN --push ${commandText(s)}` : commandOf(s));
  }
  const step = { target: ctx.label, command: commandOf(s), at: positionOf(s.range) };
  if (ctx.build.state.output?.vertex !== before.state) ctx.reacher.addStep(ctx.build.state, ctx.invocation.platform, step);
  if (ctx.build.artifacts.output?.vertex !== before.artifacts) ctx.reacher.addStep(ctx.build.artifacts, ctx.invocation.platform, step);
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
function commandOf(s: Statement): string {
  const keyword = s.kind.replace("_", " ");
  const args = "args" in s ? s.args.map((w) => w.text).join(" ") : "";
  return args === "" ? keyword : `${keyword} ${args}`;
}

async function planStatement(ctx: RecipeContext, s: Statement): Promise<void> {
  const at = positionOf(s.range);
  const expand = (word: Word) => expandOne(word, scopeOf(ctx));
  if (ctx.build.host !== undefined) checkAllowedLocally(s, at);
  switch (s.kind) {
    case "ARG": {
      if (s.flags.global && !ctx.inBase) {
        throw new EbuildError("semantic", "ARG --global is allowed only in the base recipe", { at, hint: "move it above the first target" });
      }
      const name = s.name.text;
      const defaultValue = s.value === undefined ? undefined : await expand(s.value);
      const value = ctx.vars.declareArg({ name, defaultValue, required: s.flags.required, at });
      if (s.flags.global) ctx.file.globals.set(name, value);
      return;
    }
    case "LET":
      return ctx.vars.let(s.name.text, s.value === undefined ? "" : await expand(s.value), at);
    case "SET":
      return ctx.vars.set(s.name.text, s.value === undefined ? "" : await expand(s.value), at);
    case "ENV":
      return planEnv(ctx.build, s, scopeOf(ctx), (name, value) => ctx.vars.setEnv(name, value));
    case "WORKDIR":
      if (ctx.build.host !== undefined) return planHostWorkdir(ctx.build, await expand(s.path));
      return planWorkdir(ctx.build, s, scopeOf(ctx));
    case "USER":
      return planUser(ctx.build, s, scopeOf(ctx));
    case "ENTRYPOINT":
      return planEntrypoint(ctx.build, s);
    case "CMD":
      return planCmd(ctx.build, s);
    case "LABEL":
      return planLabel(ctx.build, s, scopeOf(ctx));
    case "EXPOSE":
      return planExpose(ctx.build, s, scopeOf(ctx));
    case "VOLUME":
      return planVolume(ctx.build, s, scopeOf(ctx));
    case "HEALTHCHECK":
      return planHealthcheck(ctx.build, s, scopeOf(ctx));
    case "HOST":
      return planHost(ctx.build, s, scopeOf(ctx));
    case "CACHE": {
      const path = await expand(s.path);
      const id = s.flags.id === undefined ? `${ctx.key}${path}` : await expand(s.flags.id);
      const sharing = s.flags.sharing === undefined ? "shared" : await expand(s.flags.sharing);
      if (sharing !== "shared" && sharing !== "private" && sharing !== "locked") {
        throw new EbuildError("semantic", `CACHE --sharing ${sharing} is not one of shared, private, locked`, { at });
      }
      ctx.build.caches.push({ type: "cache", target: ctx.build.state.dir(path).getDir(), id, sharing });
      return;
    }
    case "IMPORT": {
      const ref = await expand(s.ref);
      const home = parseReference(`${ref}+x`, positionOf(s.ref.range)).home;
      const alias = s.alias === undefined ? defaultAlias(ref, home) : s.alias.text;
      if (alias === ".." || alias === "." || alias === "") {
        throw new EbuildError("semantic", `IMPORT ${ref} needs an alias`, { at, hint: `write IMPORT ${ref} AS name` });
      }
      ctx.file.imports.set(alias, home);
      if (s.flags.allowPrivileged) ctx.file.privilegedImports.add(alias);
      return;
    }
    case "FROM": {
      const image = await expand(s.image);
      const platform = s.flags.platform === undefined ? ctx.invocation.platform : await expand(s.flags.platform);
      // The target is built for that platform from here on (its later ARG TARGETPLATFORM, its image).
      if (s.flags.platform !== undefined) ctx.vars.setTargetPlatform(platform);
      if (!looksLikeReference(image)) {
        await planFromImage(ctx.build, image, platform, ctx.reacher.request.engine, at);
        ctx.vars.replaceEnv(configEnvPairs(ctx.build.config));
        return;
      }
      const ref = parseTargetReference(image, positionOf(s.image.range));
      const overrides = await overridesOf(ctx, s.overrides, s.flags.buildArgs);
      const keys = await invokeAll(ctx, ref, { kind: "FROM", overrides, passArgs: s.flags.passArgs, allowPrivileged: s.flags.allowPrivileged, platforms: [platform], at });
      if (keys.length !== 1) throw new EbuildError("semantic", "FROM takes a single value of each ARG", { at, hint: "use BUILD for a matrix" });
      const from = ctx.reacher.resultOf(keys[0]!);
      if (from.host !== undefined) {
        throw new EbuildError("semantic", `FROM ${image}: a LOCALLY target has no image to start from`, { at, hint: "BUILD it, or COPY the artifacts it saves" });
      }
      planFromTarget(ctx.build, from);
      ctx.vars.replaceEnv(configEnvPairs(ctx.build.config));
      return;
    }
    case "FROM_DOCKERFILE":
      await walkFromDockerfile(ctx, s, at);
      ctx.vars.replaceEnv(configEnvPairs(ctx.build.config));
      return;
    case "BUILD": {
      const ref = parseTargetReference(await expand(s.target), positionOf(s.target.range));
      const platforms = s.flags.platforms.length === 0 ? [ctx.invocation.platform] : await Promise.all(s.flags.platforms.map(expand));
      const overrides = await overridesOf(ctx, s.overrides, s.flags.buildArgs);
      await invokeAll(ctx, ref, { kind: "BUILD", overrides, passArgs: s.flags.passArgs, allowPrivileged: s.flags.allowPrivileged, platforms, at });
      return;
    }
    case "COPY": {
      const platform = s.flags.platform === undefined ? ctx.invocation.platform : await expand(s.flags.platform);
      const sources: CopyFrom[] = [];
      for (const source of s.sources) {
        const text = await expand(source.source);
        if (!looksLikeReference(text)) {
          sources.push({ kind: "context", path: text });
          continue;
        }
        const ref = parseArtifactReference(text, positionOf(source.source.range));
        const overrides = await overridesOf(ctx, source.overrides, s.flags.buildArgs);
        const edge = { kind: "COPY" as const, overrides, passArgs: s.flags.passArgs, allowPrivileged: s.flags.allowPrivileged, platforms: [platform], at: positionOf(source.range) };
        for (const key of await invokeAll(ctx, ref, edge)) {
          sources.push({ kind: "artifact", artifacts: ctx.reacher.resultOf(key).artifacts, path: ref.path });
        }
      }
      const flags = {
        chmod: s.flags.chmod === undefined ? undefined : await expand(s.flags.chmod),
        chown: s.flags.chown === undefined ? undefined : await expand(s.flags.chown),
      };
      planCopy(ctx.build, s, sources, await expand(s.dest), flags, copyContextOf(ctx), locationOf(ctx, s.range));
      return;
    }
    case "WITH_DOCKER":
      return walkWithDocker(ctx, s);
    case "DO":
      return callFunction(ctx, s.function, s.overrides, s.flags, at);
    case "RUN":
      if (ctx.build.host !== undefined) {
        const environment = [...ctx.vars.envEntries(), ...ctx.vars.runEnvironment()];
        ctx.reacher.hostRuns.push(planHostRun(ctx.build, s, { target: ctx.label, environment, phase: ctx.reacher.phase, at }));
        return;
      }
      noteRunNeeds(ctx, s.flags.privileged, s.flags.secrets, s.flags.mounts.map((m) => m.options));
      if (s.flags.privileged && isRemote(ctx.file.directory)) {
        ctx.reacher.privileges.addRun({ key: ctx.key, label: ctx.label, allowedByCalls: ctx.privilegedCalls, at });
      }
      if (s.flags.network?.text === "host") ctx.reacher.entitlements.add("network.host");
      if (s.flags.push && ctx.build.pushPhase === undefined) startPushPhase(ctx, commandText(s), at);
      {
        const captureExitCode = ctx.tryRun !== undefined;
        const exec = planRun(ctx.build, s, { environment: ctx.vars.runEnvironment(), cacheScope: ctx.key, caches: ctx.build.caches, location: locationOf(ctx, s.range), pushPhase: ctx.build.pushPhase !== undefined, captureExitCode });
        if (ctx.tryRun !== undefined) ctx.tryRun.exitCodes = exec.getMount(exitCodeMount);
      }
      return;
    case "SAVE_IMAGE": {
      const names = (await Promise.all(s.names.map((w) => expandSplit(w, scopeOf(ctx))))).flat();
      // The platform of what is saved: a FROM --platform (or FROM of a target built for one) sets it.
      const statePlatform = ctx.build.state.getPlatform();
      const platform = statePlatform === undefined ? ctx.invocation.platform : formatPlatform(statePlatform);
      const output = { kind: "image" as const, names, push: s.flags.push, insecure: s.flags.insecure, platform, state: ctx.build.state, config: copyConfig(ctx.build.config), pushPhase: ctx.build.pushPhase !== undefined };
      ctx.reacher.graph.addStatement({ kind: "image", phase: ctx.reacher.phase, invocation: ctx.key, what: names.join(" ") || "(no name)", at, image: { names, platform, single: s.flags.noManifestList }, output });
      return;
    }
    case "SAVE_ARTIFACT": {
      const source = await expand(s.source);
      // A LOCALLY target saves host files: they reach the build as an upload of its directory.
      const host = ctx.build.host;
      const from: WalkBuild = host === undefined ? ctx.build : { ...ctx.build, state: hostFiles(source, ctx.reacher.namedContext("host", host.directory), at) };
      planSaveArtifact(from, s, source, s.artifactDest === undefined ? undefined : await expand(s.artifactDest));
      ctx.build.artifacts = from.artifacts;
      if (s.asLocal !== undefined) await recordLocalArtifact(ctx, from, s, source, s.asLocal, at);
      return;
    }
    case "IF":
      return walkIf(ctx, s.branches, s.elseBody);
    case "FOR":
      return walkFor(ctx, s.variable, s.expression, s.flags.sep, s.body, at);
    case "WAIT":
      // What the block saves is written before anything after the block starts.
      await walkRecipe(ctx, s.body);
      ctx.reacher.phase++;
      return;
    case "TRY":
      return walkTry(ctx, s);
    case "GIT_CLONE": {
      // A shallow checkout of the ref; the clone lands in dest like `git clone url dest`.
      // The URL rewrites of remote references apply here too, as git's insteadOf would.
      const url = rewriteGitUrl(await expand(s.url), ctx.reacher.request.git);
      const ref = s.flags.branch === undefined ? "" : await expand(s.flags.branch);
      const dest = await expand(s.dest);
      const repo = git(url, ref, { keepGitDir: true, description: `GIT CLONE ${url}` });
      const timestamp = s.flags.keepTs ? {} : { timestamp: constantCopyTime };
      ctx.build.state = ctx.build.state.file(copy(repo, "/", dest, { copyDirContentsOnly: true, createDestPath: true, ...timestamp }), { description: `GIT CLONE ${url} ${dest}` });
      return;
    }
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
    const keys = await invokeAll(ctx, ref, { kind: "COPY", overrides: buildArgs, passArgs: false, allowPrivileged: false, platforms: [platform], at: positionOf(word.range) });
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
  await planFromDockerfile(ctx.build, request.build, ctx.reacher.request.engine, request.contextName, at);
}

/** Overrides as written (`--A=v`, deprecated `--build-arg A=v`), expanded in the caller's scope. */
export async function overridesOf(ctx: RecipeContext, overrides: readonly ArgOverride[], buildArgs: readonly Word[]): Promise<Array<[string, string]>> {
  const out: Array<[string, string]> = [];
  for (const word of buildArgs) {
    const [name = "", ...rest] = (await expandOne(word, scopeOf(ctx))).split("=");
    checkOverridable(name, "semantic", positionOf(word.range));
    out.push([name, rest.length > 0 ? rest.join("=") : (ctx.vars.lookup(name) ?? "")]);
  }
  for (const o of overrides) {
    checkOverridable(o.name, "semantic", positionOf(o.range));
    // A bare `--NAME` passes the caller's value of NAME.
    out.push([o.name, o.value === undefined ? (ctx.vars.lookup(o.name) ?? "") : await expandOne(o.value, scopeOf(ctx))]);
  }
  return out;
}

/**
 * Invokes a referenced target for each platform and each matrix combination. Overrides received by
 * this invocation propagate to targets of the same Buildfile; `--pass-args` forwards every ARG to
 * any Buildfile; explicit overrides win.
 */
export async function invokeAll(ctx: RecipeContext, ref: Reference, edge: EdgeOptions): Promise<string[]> {
  const { kind, overrides: explicit, passArgs, platforms, at } = edge;
  const directory = directoryOfReference(ref, ctx.file, at);
  const allowPrivileged = edge.allowPrivileged || (ref.home.kind === "import" && ctx.file.privilegedImports.has(ref.home.alias));
  // Checked here, where the position is known, not when the invoked target is planned.
  for (const platform of platforms) checkPlatform(platform, `${kind} --platform=${platform}`, at);
  const inherited = new Map<string, string>();
  if (directory === ctx.invocation.directory) for (const [k, v] of ctx.invocation.overrides) inherited.set(k, v);
  if (passArgs) for (const [k, v] of ctx.vars.passArgs()) inherited.set(k, v);
  const explicitNames = new Set(explicit.map(([k]) => k));
  const base = [...inherited].filter(([k]) => !explicitNames.has(k));
  const keys: string[] = [];
  for (const platform of platforms) {
    for (const combo of matrixOf(explicit)) {
      const invocation: Invocation = { directory, name: ref.name, overrides: [...base, ...combo], platform };
      keys.push(await ctx.reacher.invoke(invocation, { from: ctx.key, kind, at, allowPrivileged }));
    }
  }
  return keys;
}

/** How a statement reaches other targets: the edge's kind, its arguments and flags, where it stands. */
export interface EdgeOptions {
  kind: EdgeKind;
  overrides: Array<[string, string]>;
  passArgs: boolean;
  allowPrivileged: boolean;
  platforms: readonly string[];
  at: SourcePosition;
}

function checkPlatform(platform: string, what: string, at: SourcePosition): void {
  try {
    parsePlatform(platform);
  } catch (error) {
    throw new EbuildError("semantic", `${what}: ${(error as Error).message}`, { at, hint: "write os/arch or os/arch/variant, e.g. linux/amd64" });
  }
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
  const engine = ctx.reacher.request.engine;
  if (engine === undefined) {
    throw new EbuildError("semantic", "IF needs the BuildKit daemon to evaluate its condition", { at, hint: "start the daemon (scripts/buildkit-up) and plan again" });
  }
  const command = condition.form === "exec" ? (condition.exec ?? []).join(" ") : condition.text;
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

export function noteRunNeeds(ctx: RecipeContext, privileged: boolean, secrets: readonly Word[], mounts: ReadonlyArray<ReadonlyArray<{ key: string; value?: string }>>): void {
  if (privileged) ctx.reacher.entitlements.add("security.insecure");
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
