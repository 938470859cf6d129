import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { runBuild } from "../../buildkit/build.js";
import { pushTargetOf, pushThroughEngine } from "../../buildkit/engine-push.js";
import { saveThroughEngine } from "../../buildkit/engine-save.js";
import { removeUnnamedThroughEngine, tagThroughEngine } from "../../buildkit/engine-tag.js";
import { lookup as lookupCredentials } from "../../buildkit/credentials/index.js";
import { newBuildRef, type BuildkitClient, type CacheEntry, type ExporterEntry } from "../../buildkit/client.js";
import { GatewayBuild, imageConfigMetadataKey } from "../../buildkit/gateway.js";
import { decodeProgress, type ProgressEvent } from "../../buildkit/progress.js";
import type { CredentialSource, SecretSource } from "../../buildkit/session/index.js";
import { EbuildError } from "../../errors.js";
import type { HostRun, ImageOutput, LocalArtifactOutput, Plan, PlannedOutput } from "../../planner/plan.js";
import { hostRunStepKey } from "../../planner/plan.js";
import { runOnHost } from "./host-run.js";
import { OutputTransaction } from "../outputs/output-transaction.js";
import { resolveOutputPath } from "../outputs/safe-path.js";
import { openBuildSession, type SessionServices } from "./build-session.js";
import { reusingCache, withoutCache } from "./no-cache.js";
import type { ImageFileOutput } from "./output-flag.js";
import { fileTarget } from "../../buildkit/session/index.js";
import { pushManifestList } from "../../buildkit/registry/manifest-list.js";
import { formatPlannedPlatform, MultiPlatformNames } from "./multi-platform.js";
import { basename, dirname } from "node:path";

export interface ExecutePlanOptions {
  client: BuildkitClient;
  /** Set by executePlan: the image names saved for several platforms. */
  multiPlatform?: MultiPlatformNames | undefined;
  plan: Plan;
  /** --push: SAVE IMAGE --push images are pushed and RUN --push commands run. */
  push: boolean;
  /** False under --no-output (and --ci): AS LOCAL artifacts are built but not written. */
  localOutput: boolean;
  /** `--output type=tar,dest=FILE`: images go to this file instead of Docker's image store. */
  imageFile?: ImageFileOutput | undefined;
  /**
   * The daemon's own platform (`linux/amd64`): of a multi-platform image, the variant for it is
   * also stored under the plain name. Defaults to the first platform saved.
   */
  nativePlatform?: string | undefined;
  /** -P: consent to privileged RUNs and other insecure entitlements. */
  allowPrivileged: boolean;
  /** --no-cache: every op runs again (its result still goes into the cache). */
  noCache?: boolean | undefined;
  /** --cache-from / --cache-to, passed to every Solve. */
  cacheImports?: CacheEntry[] | undefined;
  cacheExports?: CacheEntry[] | undefined;
  secrets: ReadonlyMap<string, SecretSource>;
  credentials?: CredentialSource | undefined;
  /** ssh agents by id that RUN --ssh and ssh mounts may use (`default`: the user's SSH_AUTH_SOCK). */
  sshAgents?: ReadonlyMap<string, string> | undefined;
  /** Opens the progress display of one Solve or host run (by its target); `done` when it ended. */
  progress?: ((output: { target: string }) => SolveProgressSink) | undefined;
  signal?: AbortSignal | undefined;
}

export interface SolveProgressSink {
  onProgress(event: ProgressEvent): void;
  done(): void;
}

/** An image the run stored or pushed. */
export interface ReportedImage {
  target: string;
  names: string[];
  digest?: string | undefined;
  pushed?: boolean;
  pushWanted?: boolean;
  /** For people: the platform of a multi-platform image's variant, or the platforms of its list. */
  note?: string | undefined;
}

export interface ExecutionReport {
  images: ReportedImage[];
  artifacts: Array<{ target: string; path: string }>;
  /** What the plan wanted but this run did not do, and why (e.g. pushes without --push). */
  notDone: Array<{ target: string; what: string; reason: string }>;
}

/**
 * Runs a Plan on the daemon: every output of a phase is solved at once (the daemon shares
 * identical work between them), local artifacts are exported into staging folders, and only when
 * the whole phase succeeded are they moved into place. A failure or cancellation cancels the
 * other Solves and leaves every earlier output as it was.
 */
export async function executePlan(options: ExecutePlanOptions): Promise<ExecutionReport> {
  checkConsent(options);
  const report: ExecutionReport = { images: [], artifacts: [], notDone: [] };
  const phases = new Map<number, PlannedOutput[]>();
  const hostPhases = new Map<number, Array<{ run: HostRun; index: number }>>();
  (options.plan.hostRuns ?? []).forEach((run, index) => {
    const phase = run.phase ?? 0;
    // One a LOCALLY IF or $(...) had to see has run while planning.
    if (run.ranWhilePlanning === true) return;
    hostPhases.set(phase, [...(hostPhases.get(phase) ?? []), { run, index }]);
    if (!phases.has(phase)) phases.set(phase, []);
  });
  for (const planned of options.plan.outputs) {
    const output = options.noCache ? { ...planned, definition: withoutCache(planned.definition) } : planned;
    const phase = phaseOf(output, options.push);
    if (phase === undefined) {
      report.notDone.push(...notRunWithoutPush(output));
      continue;
    }
    // What a target saves after its RUN --push reuses the results its push phase just produced:
    // solved again with the cache ignored, the push commands would run a second time.
    const solved = phase === afterPushPhase ? { ...output, definition: reusingCache(output.definition) } : output;
    phases.set(phase, [...(phases.get(phase) ?? []), solved]);
  }
  const lists = options.imageFile ? new MultiPlatformNames([]) : new MultiPlatformNames([...phases.values()].flat(), options.nativePlatform);
  options = { ...options, multiPlatform: lists };
  for (const phase of [...phases.keys()].sort((a, b) => a - b)) {
    // LOCALLY RUNs first: what they write is what the phase's uploads of host files read.
    for (const { run, index } of hostPhases.get(phase) ?? []) await runHostStep(run, index, options);
    await runPhase(phases.get(phase)!, options, report);
  }
  await pushImages(options, report);
  await pushManifestLists(options, lists, report);
  return report;
}

// The push phase comes after every WAIT phase; what targets save after a RUN --push, after that.
const pushPhase = Number.MAX_SAFE_INTEGER - 1;
const afterPushPhase = Number.MAX_SAFE_INTEGER;

/** When an output runs, or undefined when it does not run at all (push phase without --push). */
function phaseOf(output: PlannedOutput, push: boolean): number | undefined {
  if (output.kind === "push-run") return push ? pushPhase : undefined;
  if (output.kind !== "run" && output.pushPhase === true) return push ? afterPushPhase : undefined;
  return output.phase ?? 0;
}

/** The summary lines of a push-phase output skipped without --push. */
function notRunWithoutPush(output: PlannedOutput): ExecutionReport["notDone"] {
  const reason = "RUN --push without --push";
  switch (output.kind) {
    case "push-run":
      return output.commands.map((command) => ({ target: output.target, what: `not run: ${command}`, reason }));
    case "image":
      return [{ target: output.target, what: `not run: SAVE IMAGE ${output.names.join(" ")} (after RUN --push)`, reason }];
    case "artifact":
      return [{ target: output.target, what: `not run: SAVE ARTIFACT … AS LOCAL ${output.destination} (after RUN --push)`, reason }];
    case "run":
      return [];
  }
}

/**
 * --push on Docker Engine: its `moby` exporter stores images but never pushes, so each image saved
 * with SAVE IMAGE --push is pushed through the Engine API once the whole build succeeded. (A
 * standalone buildkitd pushes from the `image` exporter during the Solve instead.)
 */
async function pushImages(options: ExecutePlanOptions, report: ExecutionReport): Promise<void> {
  const address = options.client.address;
  if (!options.push || address.kind !== "docker-engine") return;
  for (const image of report.images) {
    if (!image.pushWanted) continue;
    // Of a multi-platform image only the platform's own tag goes: its plain name becomes the list.
    for (const name of image.names.filter((n) => !options.multiPlatform?.isList(n))) {
      await pushThroughEngine(address.engine, name, { credentials: (host) => lookupCredentials(host), signal: options.signal });
    }
    image.pushed = true;
  }
}

/**
 * --push of a multi-platform image: once each platform's image is in the registry under its own
 * tag, a manifest list naming them goes under the image's name (Docker's store cannot hold one).
 */
async function pushManifestLists(options: ExecutePlanOptions, lists: MultiPlatformNames, report: ExecutionReport): Promise<void> {
  if (!options.push) {
    for (const [name, variants] of [...lists.wantedPushes(), ...lists.partialPushes()]) {
      const platforms = variants.map((v) => formatPlannedPlatform(v.platform)).join(", ");
      report.notDone.push({ target: variants[0]!.target, what: `did not push ${name} (manifest list: ${platforms})`, reason: "run with --push to push it" });
    }
    return;
  }
  for (const [name, variants] of lists.partialPushes()) {
    report.notDone.push({ target: variants[0]!.target, what: `did not push manifest list ${name}`, reason: "only some of its platforms are saved with SAVE IMAGE --push" });
  }
  for (const [name, variants] of lists.wantedPushes()) {
    const pushed = variants.filter((v) => report.images.some((i) => i.pushed && i.names.includes(v.name)));
    if (pushed.length !== variants.length) continue;
    const host = pushTargetOf(name).registryHost;
    const digest = await pushManifestList(name, variants, {
      credentials: await lookupCredentials(host),
      insecure: variants.some((v) => v.insecure),
      signal: options.signal,
    });
    report.images.push({ target: variants[0]!.target, names: [name], digest, pushed: true, note: `manifest list: ${variants.map((v) => formatPlannedPlatform(v.platform)).join(", ")}` });
  }
}

/** A LOCALLY RUN on the host, its output shown as a step of its target (by hostRunStepKey). */
export async function runHostStep(run: HostRun, index: number, options: Pick<ExecutePlanOptions, "progress" | "signal">): Promise<void> {
  const sink = options.progress?.(run);
  try {
    await runOnHost(run, { stepKey: hostRunStepKey(index), onProgress: sink?.onProgress.bind(sink), signal: options.signal });
  } finally {
    sink?.done();
  }
}

function checkConsent(options: ExecutePlanOptions): void {
  const insecure = options.plan.entitlements.filter((e) => e === "security.insecure" || e === "network.host");
  if (insecure.length > 0 && !options.allowPrivileged) {
    const at = options.plan.entitlementsAt?.[insecure[0]!];
    throw new EbuildError("privileged", `this build needs ${insecure.join(" and ")} (RUN --privileged, WITH DOCKER, or a Dockerfile's RUN --security=insecure or --network=host)`, {
      ...(at === undefined ? {} : { at }),
      hint: "run ebuild with -P / --allow-privileged if you trust this Buildfile",
    });
  }
  const missing = options.plan.secrets.filter((id) => !options.secrets.has(id));
  if (missing.length > 0) {
    throw new EbuildError("usage", `the build reads secret${missing.length > 1 ? "s" : ""} ${missing.join(", ")}, which ${missing.length > 1 ? "were" : "was"} not given`, {
      hint: `pass ${missing.map((id) => `--secret ${id}=VALUE`).join(" ")} (or --secret-file ID=PATH)`,
    });
  }
}

async function runPhase(outputs: PlannedOutput[], options: ExecutePlanOptions, report: ExecutionReport): Promise<void> {
  // The FINALLY artifacts of a TRY do not depend on its RUN's exit code: they are written first,
  // so a failing RUN (which fails the rest) still leaves them.
  const finallyOutputs = outputs.filter((o) => o.kind === "artifact" && o.finally === true);
  if (finallyOutputs.length > 0) await solveAndCommit(finallyOutputs, options, report);
  await solveAndCommit(outputs.filter((o) => !finallyOutputs.includes(o)), options, report);
}

/** Solves outputs at once; writes them all if every one succeeded, none otherwise. */
async function solveAndCommit(outputs: PlannedOutput[], options: ExecutePlanOptions, report: ExecutionReport): Promise<void> {
  const cancelOthers = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, cancelOthers.signal]) : cancelOthers.signal;
  const transaction = new OutputTransaction();
  const phaseReport: ExecutionReport = { images: [], artifacts: [], notDone: [] };
  const results = await Promise.allSettled(
    outputs.map(async (output) => {
      try {
        await runOutput(output, { ...options, signal }, transaction, phaseReport);
      } catch (error) {
        cancelOthers.abort();
        throw error;
      }
    }),
  );
  const failures = results.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
  if (failures.length > 0) {
    await transaction.abort();
    // The first real failure, not the cancellations it caused in the other Solves.
    throw failures.find((f) => !(f instanceof EbuildError && f.kind === "cancelled")) ?? failures[0];
  }
  try {
    await transaction.commit();
  } catch (error) {
    throw new EbuildError("build", `writing the outputs failed: ${(error as Error).message}`, { cause: error });
  }
  report.images.push(...phaseReport.images);
  report.artifacts.push(...phaseReport.artifacts);
  report.notDone.push(...phaseReport.notDone);
}

function servicesFor(options: ExecutePlanOptions): SessionServices {
  return {
    contexts: new Map(options.plan.contexts.map((c) => [c.name, c.dir])),
    secrets: options.secrets,
    credentials: options.credentials,
    sshAgents: options.sshAgents,
  };
}

async function runOutput(output: PlannedOutput, options: ExecutePlanOptions, transaction: OutputTransaction, report: ExecutionReport): Promise<void> {
  try {
    await runOutputOnce(output, options, transaction, report);
  } catch (error) {
    throw explainCacheRefusal(error);
  }
}

/** The daemon names a cache backend it lacks tersely; say which daemon lacks it and what works. */
function explainCacheRefusal(error: unknown): unknown {
  // BuildKit writes `unknown cache exporter: "gha"` but `unknown cache importer: gha`.
  const match = /unknown cache (exporter|importer): "?([\w.-]+)"?/.exec(error instanceof Error ? error.message : "");
  if (!match) return error;
  const direction = match[1] === "exporter" ? "--cache-to" : "--cache-from";
  return new EbuildError("usage", `this BuildKit daemon cannot ${match[1] === "exporter" ? "export" : "import"} a "${match[2]}" cache (${direction} type=${match[2]})`, {
    hint:
      "Docker Engine's built-in BuildKit exports only type=inline caches and imports only registry images; for registry, gha and other backends use a standalone buildkitd " +
      "(--buildkit-host / BUILDKIT_HOST, e.g. a docker-container:// builder)",
    cause: error,
  });
}

async function runOutputOnce(output: PlannedOutput, options: ExecutePlanOptions, transaction: OutputTransaction, report: ExecutionReport): Promise<void> {
  switch (output.kind) {
    case "run":
    case "push-run":
      await solveWithSession(output, options, servicesFor(options), []);
      return;
    case "artifact":
      await exportArtifact(output, options, transaction, report);
      return;
    case "image":
      await exportImage(output, options, transaction, report);
      return;
  }
}

async function solveWithSession(output: PlannedOutput, options: ExecutePlanOptions, services: SessionServices, exporters: ExporterEntry[]): Promise<void> {
  const session = await openBuildSession(options.client, services, sharedKeyOf(options.plan));
  const progress = options.progress?.(output);
  try {
    await runBuild(
      options.client,
      {
        ref: newBuildRef(),
        definition: output.definition,
        sessionId: session.id,
        exporters,
        entitlements: options.plan.entitlements,
        cacheImports: options.cacheImports,
        cacheExports: options.cacheExports,
      },
      { signal: options.signal, onProgress: (event) => progress?.onProgress(event) },
    );
  } finally {
    progress?.done();
    await session.close();
  }
}

async function exportArtifact(output: LocalArtifactOutput, options: ExecutePlanOptions, transaction: OutputTransaction, report: ExecutionReport): Promise<void> {
  if (!options.localOutput) {
    await solveWithSession(output, options, servicesFor(options), []);
    report.notDone.push({ target: output.target, what: `artifact ${output.destination}`, reason: "local output is off (--no-output or --ci)" });
    return;
  }
  const destination = await resolveOutputPath(output.baseDir, output.destination, output.force);
  const staging = await transaction.stagingFolder(output.baseDir);
  await solveWithSession(output, options, { ...servicesFor(options), exports: new Map([[0, { kind: "directory", path: staging }]]) }, [
    { type: "local", attrs: {} },
  ]);
  let staged = staging;
  if (output.shape === "file") {
    const entries = await readdir(staging);
    if (entries.length !== 1) {
      throw new EbuildError("build", `artifact for ${output.destination} holds ${entries.length} entries, expected one file`, { at: output.at });
    }
    staged = join(staging, entries[0]!);
  }
  transaction.add({ staged, destination, shape: output.shape });
  report.artifacts.push({ target: output.target, path: destination });
}

async function exportImage(output: ImageOutput, options: ExecutePlanOptions, transaction: OutputTransaction, report: ExecutionReport): Promise<void> {
  const file = options.imageFile;
  const address = options.client.address;
  // Docker's built-in BuildKit has no docker/oci exporter: the image goes into the store, then out
  // of it as a `docker save` archive (see buildkit/engine-save.ts).
  const throughStore = file !== undefined && file.type !== "tar" && address.kind === "docker-engine";
  if (throughStore && output.names.length === 0) {
    throw new EbuildError("usage", `--output type=${file.type}: ${output.target} saves an image without a name, and an archive names its images`, {
      at: output.at,
      hint: "give its SAVE IMAGE a name (SAVE IMAGE app:latest)",
    });
  }
  // The archive is written into a staging folder and moved into place with the other outputs.
  const staged = file ? join(await transaction.stagingFolder(dirname(file.dest)), basename(file.dest)) : undefined;
  const services = staged && !throughStore ? { ...servicesFor(options), exports: new Map([[0, fileTarget(staged)]]) } : servicesFor(options);
  const session = await openBuildSession(options.client, services, sharedKeyOf(options.plan));
  // A standalone buildkitd has no image store of Docker's: it pushes from the `image` exporter.
  const pushHere = output.push && options.push && options.client.address.kind !== "docker-engine";
  const names = options.multiPlatform?.storedNames(output) ?? output.names;
  // A standalone buildkitd pushes each platform under its own tag; the lists follow after the build.
  const pushedNames = names.filter((n) => !options.multiPlatform?.isList(n));
  // `--output type=docker|oci` on Docker Engine saves by name from the store during the build.
  // A standalone daemon names as it exports.
  const storeNamed = throughStore || address.kind !== "docker-engine";
  const exporter = file && !throughStore
    ? { type: file.type, attrs: { name: output.names.join(",") } }
    : pushHere
    ? { type: "image", attrs: { name: pushedNames.join(","), push: "true", ...(output.insecure ? { "registry.insecure": "true" } : {}) } }
    : // Stored without a name: the names are given at commit, so a failed build leaves them as they were.
      { type: "moby", attrs: storeNamed ? { name: names.join(",") } : ({} as Record<string, string>) };
  const build = GatewayBuild.open(options.client, {
    sessionId: session.id,
    exporters: [exporter],
    cacheImports: options.cacheImports,
    cacheExports: options.cacheExports,
    entitlements: options.plan.entitlements,
    signal: options.signal,
  });
  const progress = followProgress(options, output, build.ref);
  try {
    let ref: string;
    try {
      ref = await build.solve(output.definition, { evaluate: true, signal: options.signal, ...(options.cacheImports ? { cacheImports: options.cacheImports } : {}) });
    } catch (error) {
      await build.fail(error as Error).catch(() => {});
      throw error;
    }
    const image = { architecture: output.platform.architecture, os: output.platform.os, ...(output.platform.variant ? { variant: output.platform.variant } : {}), config: output.config };
    const result = await build.finish({ ref, metadata: { [imageConfigMetadataKey]: JSON.stringify(image) } });
    if (file && staged) {
      if (throughStore && address.kind === "docker-engine") await saveThroughEngine(address.engine, output.names, staged, options.signal);
      transaction.add({ staged, destination: file.dest, shape: "file" });
      report.artifacts.push({ target: output.target, path: file.dest });
      return;
    }
    const imageId = result.exporterResponse["containerimage.digest"];
    if (!pushHere && !storeNamed && address.kind === "docker-engine") {
      if (imageId === undefined) throw new EbuildError("build", `Docker stored the image of ${output.target} without telling its ID`);
      const engine = address.engine;
      transaction.defer({
        commit: async () => {
          for (const name of names) await tagThroughEngine(engine, imageId, name);
        },
        abort: () => removeUnnamedThroughEngine(engine, imageId),
      });
    }
    const multi = output.names.some((n) => options.multiPlatform?.isList(n) === true);
    report.images.push({
      target: output.target,
      names: pushHere ? pushedNames : names,
      digest: result.exporterResponse["containerimage.digest"],
      pushed: pushHere,
      pushWanted: output.push && options.push && !pushHere,
      ...(multi ? { note: formatPlannedPlatform(output.platform) } : {}),
    });
    // A multi-platform name is reported once, as its manifest list, after the build.
    const single = output.names.filter((n) => options.multiPlatform?.isList(n) !== true);
    if (output.push && !options.push && single.length > 0) {
      report.notDone.push({ target: output.target, what: `did not push ${single.join(", ")}`, reason: "run with --push to push it" });
    }
  } finally {
    await progress.stop();
    await session.close();
  }
}

/** Streams a build's progress to the caller until stopped (a short grace lets the last logs in). */
function followProgress(options: ExecutePlanOptions, output: PlannedOutput, ref: string): { stop(): Promise<void> } {
  const stop = new AbortController();
  const sink = options.progress?.(output);
  const done = (async () => {
    try {
      for await (const event of decodeProgress(options.client.status(ref, { signal: stop.signal }))) sink?.onProgress(event);
    } catch {
      // Progress is best effort; the build's own result decides success.
    }
  })();
  return {
    async stop() {
      const grace = setTimeout(() => stop.abort(), 1000);
      await done;
      clearTimeout(grace);
      sink?.done();
    },
  };
}

/** One shared key per project keeps context uploads incremental across sessions and runs. */
function sharedKeyOf(plan: Plan): string {
  return `ebuild:${plan.contexts.map((c) => c.dir).join(":")}`;
}
