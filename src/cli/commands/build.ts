/**
 * `ebuild [flags] TARGET... [--ARG=value ...]`: plan each target, run the plan on the daemon with
 * progress, write outputs only when everything succeeded, and close with a summary.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { BuildkitClient } from "../../buildkit/client.js";
import { dockerCredentialSource } from "../../buildkit/credentials/index.js";
import { defaultAgentId, type CredentialSource, type SecretSource } from "../../buildkit/session/index.js";
import { EbuildError } from "../../errors.js";
import { plan as planTarget, type PlanResult } from "../../planner/assemble.js";
import type { GitFacts } from "../../planner/index.js";
import type { GitSettings } from "../../planner/remote.js";
import { hostRunStepKey, type HostRun } from "../../planner/plan.js";
import { hostRunText } from "../build/host-run.js";
import { BuildkitEngine } from "../build/buildkit-engine.js";
import { ProcessHostShell } from "../build/host-shell.js";
import { openBuildSession } from "../build/build-session.js";
import { ContextDirectories } from "../build/contexts.js";
import { contextIds } from "../build/context-id.js";
import { executePlan, runHostStep, type ExecutionReport } from "../build/execute-plan.js";
import { GitFactsReader } from "../build/git-facts.js";
import { fileSystemReader, parseOrThrow } from "../build/load.js";
import { artifactDestination, artifactPlan, imagePlan, parseArtifactRef, type ArtifactRef } from "../build/output-modes.js";
import { parseOutputFlag, type ImageFileOutput } from "../build/output-flag.js";
import { writeMetadataFile } from "../build/metadata-file.js";
import { cacheSecrets, parseCacheFlag, refuseClientStoreCaches, remoteCacheEntries, type CacheFlag } from "../cache-spec.js";
import { parseSecretFileFlag, parseSecretFlag, parseTargetOperands, type TargetInvocation } from "../invocation.js";
import { createRenderer, lookupIn, parseProgressMode, type BuildRenderer } from "../progress/index.js";
import { loadFlagDefaults, type FlagDefaults } from "../settings.js";
import { entryOf } from "../entry.js";
import { ebuildVersion } from "../version.js";

export interface BuildOptions {
  buildkitHost?: string;
  tlscacert?: string;
  tlscert?: string;
  tlskey?: string;
  tlsservername?: string;
  push?: boolean;
  allowPrivileged?: boolean;
  /** commander turns --no-cache into `cache: false`. */
  cache?: boolean;
  cacheFrom?: string[];
  cacheTo?: string[];
  remoteCache?: string;
  maxRemoteCache?: boolean;
  platform?: string;
  secret?: string[];
  secretFile?: string[];
  ci?: boolean;
  strict?: boolean;
  /** commander turns --output/--no-output into one boolean; `--output type=tar,dest=FILE` is a string. */
  output?: boolean | string;
  artifact?: string;
  image?: string;
  metadataFile?: string;
  progress?: string;
  directory?: string;
}

const goArch: Record<string, string> = { x64: "amd64", arm64: "arm64", arm: "arm", ia32: "386", ppc64: "ppc64le", s390x: "s390x", riscv64: "riscv64" };

export async function build(operands: string[], options: BuildOptions): Promise<void> {
  const cwd = resolve(options.directory ?? process.cwd());
  const defaults = await loadFlagDefaults(cwd, process.env);
  // `--output` takes an optional value; a target right after a bare --output is not that value.
  let output = options.output;
  let imageFile: ImageFileOutput | undefined;
  if (typeof output === "string") {
    if (output.includes("=")) imageFile = parseOutputFlag(output);
    else operands = [output, ...operands];
    output = true;
  }
  let artifact: { ref: ArtifactRef; destination: string } | undefined;
  if (options.artifact !== undefined) {
    const ref = parseArtifactRef(options.artifact);
    // `-a +t/path [dest] [--ARG=value ...]`: the first operand that is not a build arg is dest.
    const dest = operands[0] !== undefined && !operands[0].startsWith("--") ? operands[0] : undefined;
    artifact = { ref, destination: artifactDestination(ref.path, dest) };
    operands = [ref.target, ...operands.slice(dest === undefined ? 0 : 1)];
  } else if (options.image !== undefined) {
    operands = [options.image, ...operands];
  }
  const invocations = parseTargetOperands(operands);
  if ((artifact || options.image !== undefined || imageFile) && invocations.length > 1) {
    throw new EbuildError("usage", "artifact mode, image mode and --output type=… build one target", { hint: "name one target" });
  }
  if (invocations.length === 0) {
    throw new EbuildError("usage", "name a target to build", { hint: "for example: ebuild +build (ebuild ls lists the targets)" });
  }
  const push = options.push ?? defaults.push ?? false;
  const ci = options.ci ?? defaults.ci ?? false;
  // --ci means no local output in target mode only; artifact and image mode output what was asked.
  const localOutput = output ?? (defaults.noOutput ? false : (defaults.output ?? (artifact !== undefined || !ci)));
  const allowPrivileged = options.allowPrivileged ?? defaults.allowPrivileged ?? false;
  const hostPlatform = `linux/${goArch[process.arch] ?? process.arch}`;
  const platform = options.platform ?? defaults.platform ?? hostPlatform;
  const noCache = options.cache === false || (defaults.noCache ?? false);
  // As in Earthly, --ci implies --strict in every mode.
  const strict = ci || (options.strict ?? defaults.strict ?? false);
  const { cacheImports, cacheExports } = cacheOptions(options, defaults, { cwd, push });
  const secrets = await collectSecrets(options, defaults.secrets, defaults.secretFiles, cwd);
  const renderer = createRenderer({
    mode: parseProgressMode(options.progress ?? defaults.progress ?? "auto"),
    secrets: [
      ...[...secrets.values()].flatMap((s) => ("value" in s ? [typeof s.value === "string" ? s.value : new TextDecoder().decode(s.value)] : [])),
      ...cacheSecrets([...cacheImports, ...cacheExports]),
    ],
  });
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  let client: BuildkitClient | undefined;
  try {
    client = await BuildkitClient.connect({
      buildkitHost: options.buildkitHost ?? defaults.buildkitHost,
      tls: { caFile: options.tlscacert, certFile: options.tlscert, keyFile: options.tlskey, serverName: options.tlsservername },
    });
    const started = Date.now();
    const reports: ExecutionReport[] = [];
    // One source for planning and building: the frontend and FROM resolve private images at
    // planning time with the same credentials the build pulls and pushes with.
    const credentials = dockerCredentialSource();
    const facts = {
      nativePlatform: await workerPlatform(client, hostPlatform),
      userPlatform: hostPlatform,
      version: ebuildVersion(),
      gitFacts: new GitFactsReader().factsOf,
    };
    for (const invocation of invocations) {
      renderer.phase(`plan ${invocation.ref}`);
      const result = await planOne(client, invocation, { cwd, platform, push, ci, strict, noCache, buildArgs: defaults.buildArgs, git: { urlInsteadOf: defaults.gitUrlInsteadOf }, credentials, signal: abort.signal, renderer, ...facts });
      const planned = artifact
        ? artifactPlan(result, artifact.ref, { cwd, destination: artifact.destination, platform })
        : options.image !== undefined || imageFile
          ? imagePlan(result, invocation.ref)
          : result.plan;
      renderer.phase(`build ${invocation.ref}`);
      reports.push(
        await executePlan({
          client,
          plan: planned,
          push,
          localOutput,
          imageFile: imageFile && { ...imageFile, dest: resolve(cwd, imageFile.dest) },
          nativePlatform: hostPlatform,
          allowPrivileged,
          noCache,
          cacheImports: cacheImports.length > 0 ? cacheImports : undefined,
          cacheExports: cacheExports.length > 0 ? cacheExports : undefined,
          secrets,
          credentials,
          // As in Earthly, RUN --ssh (and a Dockerfile's ssh mount) reach the user's agent, if any.
          sshAgents: process.env.SSH_AUTH_SOCK ? new Map([[defaultAgentId, process.env.SSH_AUTH_SOCK]]) : undefined,
          progress: (output) => renderer.solve({ target: output.target, lookup: lookupIn(planned.steps) }),
          signal: abort.signal,
        }),
      );
    }
    if (options.metadataFile !== undefined) await writeMetadataFile(resolve(cwd, options.metadataFile), reports);
    renderer.summary({
      images: reports.flatMap((r) => r.images.flatMap((i) => i.names.map((name) => ({ name, digest: i.digest, pushed: i.pushed, note: i.note })))),
      artifacts: reports.flatMap((r) => r.artifacts.map((a) => ({ path: a.path }))),
      skipped: reports.flatMap((r) => r.notDone.map((n) => ({ action: `${n.target}: ${n.what}`, reason: n.reason }))),
      durationMs: Date.now() - started,
    });
  } catch (error) {
    const failure = abort.signal.aborted && !(error instanceof EbuildError && error.kind !== "build")
      ? new EbuildError("cancelled", "the build was cancelled; no outputs were written", { cause: error })
      : error;
    renderer.failure(failure);
    if (failure instanceof Error) failure.message = renderer.redact(failure.message);
    throw failure;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    renderer.close();
    client?.close();
  }
}

/**
 * The cache to import and export: the flags when given, else EBUILD_CACHE_FROM / EBUILD_CACHE_TO;
 * --remote-cache (or EBUILD_REMOTE_CACHE) adds a registry cache both ways.
 */
function cacheOptions(options: BuildOptions, defaults: FlagDefaults, context: { cwd: string; push: boolean }): { cacheImports: CacheFlag[]; cacheExports: CacheFlag[] } {
  const specContext = { cwd: context.cwd, env: process.env };
  const cacheImports = (options.cacheFrom ?? defaults.cacheFrom ?? []).map((spec) => parseCacheFlag(spec, "--cache-from", specContext));
  const cacheExports = (options.cacheTo ?? defaults.cacheTo ?? []).map((spec) => parseCacheFlag(spec, "--cache-to", specContext));
  const remote = options.remoteCache ?? defaults.remoteCache;
  if (remote !== undefined) {
    const entries = remoteCacheEntries(remote, { push: context.push, max: options.maxRemoteCache ?? defaults.maxRemoteCache ?? false });
    cacheImports.push(...entries.imports);
    cacheExports.push(...entries.exports);
  }
  refuseClientStoreCaches(cacheImports, "--cache-from");
  refuseClientStoreCaches(cacheExports, "--cache-to");
  return { cacheImports, cacheExports };
}

interface PlanSettings {
  cwd: string;
  platform: string;
  push: boolean;
  ci: boolean;
  strict: boolean;
  noCache: boolean;
  buildArgs: Array<{ name: string; value: string }>;
  git: GitSettings;
  /** Registry auth for the images planning resolves (FROM, and the FROMs of FROM DOCKERFILE). */
  credentials: CredentialSource;
  signal: AbortSignal;
  /** Shows the host RUNs that run while planning (a later LOCALLY IF or $(...) must see them). */
  renderer: BuildRenderer;
  /** For the builtin args: the daemon's platform (NATIVE*), this machine's (USER*), ebuild's version, git facts. */
  nativePlatform: string;
  userPlatform: string;
  version: string;
  gitFacts: (directory: string) => Promise<GitFacts | undefined>;
}

/** The daemon's platform: its first worker's first one (the machine's when it lists none). */
async function workerPlatform(client: BuildkitClient, fallback: string): Promise<string> {
  const workers = await client.listWorkers().catch(() => []);
  const first = workers[0]?.platforms[0];
  if (first === undefined) return fallback;
  return [first.os, first.architecture, first.variant].filter((part) => part !== "").join("/");
}

/**
 * Plans one invoked target; `$(...)`, IF and FOR run on the daemon through a planning session, a
 * LOCALLY target's on this machine.
 */
// One per process: each directory's id is worked out once.
const contextId = contextIds();

async function planOne(client: BuildkitClient, invocation: TargetInvocation, settings: PlanSettings): Promise<PlanResult> {
  const entry = entryOf(invocation.ref, settings.cwd);
  // A remote entry has no local context: its files come from the checkout.
  const directory = entry.remote ? settings.cwd : entry.directory;
  const session = await openBuildSession(client, { contexts: new ContextDirectories(directory), secrets: new Map(), credentials: settings.credentials }, `ebuild-plan:${directory}`);
  const engine = new BuildkitEngine(client, session.id, settings.signal, { noCache: settings.noCache, credentials: settings.credentials });
  try {
    // A build arg named on the command line replaces its EBUILD_BUILD_ARGS/.arg default rather than
    // adding a second value (two values of one name would make a matrix).
    const named = new Set(invocation.args.map((a) => a.name));
    const defaults = settings.buildArgs.filter((a) => !named.has(a.name));
    const overrides = [...defaults, ...invocation.args].map(({ name, value }) => [name, value] as [string, string]);
    // `--platform linux/amd64,linux/arm64`: the target once per platform, one image of its names.
    const platforms = settings.platform.split(",").map((p) => p.trim()).filter((p) => p !== "");
    const result = await planTarget({
      entry: { directory: entry.directory, name: entry.name },
      ...(entry.outputDirectory === undefined ? {} : { outputDirectory: entry.outputDirectory }),
      overrides,
      platform: platforms[0] ?? settings.platform,
      platforms,
      nativePlatform: settings.nativePlatform,
      userPlatform: settings.userPlatform,
      version: settings.version,
      gitFacts: settings.gitFacts,
      contextId,
      push: settings.push,
      ci: settings.ci,
      strict: settings.strict,
      reader: fileSystemReader,
      parse: parseOrThrow,
      engine,
      host: new ProcessHostShell(settings.signal, (run, index) => runWhilePlanning(run, index, settings)),
      git: settings.git,
      gitFiles: engine,
    });
    return { ...result, plan: { ...result.plan, contexts: result.plan.contexts.map((c) => ({ ...c, dir: resolve(directory, c.dir) })) } };
  } finally {
    await engine.close().catch(() => {});
    await session.close();
  }
}

/** A host RUN a later LOCALLY IF or $(...) must see: it runs now, shown as the build shows it. */
function runWhilePlanning(run: HostRun, index: number, settings: PlanSettings): Promise<void> {
  const step = { target: run.target, command: `LOCALLY RUN ${hostRunText(run)}`, at: run.at };
  const progress = () => settings.renderer.solve({ target: run.target, lookup: lookupIn(new Map([[hostRunStepKey(index), step]])) });
  return runHostStep(run, index, { progress, signal: settings.signal });
}

async function collectSecrets(
  options: BuildOptions,
  fromDefaults: Array<{ id: string; value: string }>,
  filesFromDefaults: Array<{ id: string; path: string }>,
  cwd: string,
): Promise<Map<string, SecretSource>> {
  const secrets = new Map<string, SecretSource>();
  for (const { id, value } of fromDefaults) secrets.set(id, { value });
  for (const { id, path } of filesFromDefaults) secrets.set(id, { value: await readSecretFile(resolve(cwd, path), id) });
  for (const spec of options.secret ?? []) {
    const { id, value } = parseSecretFlag(spec, process.env);
    secrets.set(id, { value });
  }
  for (const spec of options.secretFile ?? []) {
    const { id, path } = parseSecretFileFlag(spec);
    secrets.set(id, { value: await readSecretFile(resolve(cwd, path), id) });
  }
  return secrets;
}

/** Secret files are read up front so their values can be redacted from every log line. */
async function readSecretFile(path: string, id: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    throw new EbuildError("usage", `secret ${id}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
}

