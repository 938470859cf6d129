/**
 * The Plan: what the planner hands the executor. Planning is pure; the Plan is data. Each output
 * is one LLB Definition (marshalled `pb.Definition` bytes) plus what to do with its result, and the
 * SAVE statements that did not fire are kept with the reason, for the summary and `ebuild plan`.
 */

/** A position in a Buildfile; lines and columns count from 1. */
export interface PlanPosition {
  file: string;
  line: number;
  column: number;
}

/** An OCI image configuration (the `config` part), as BuildKit's exporters read it. */
export interface PlannedImageConfig {
  Env?: string[];
  Cmd?: string[];
  Entrypoint?: string[];
  WorkingDir?: string;
  User?: string;
  Labels?: Record<string, string>;
  ExposedPorts?: Record<string, Record<string, never>>;
  Volumes?: Record<string, Record<string, never>>;
  Healthcheck?: { Test: string[]; Interval?: number; Timeout?: number; StartPeriod?: number; StartInterval?: number; Retries?: number };
  StopSignal?: string;
}

export interface PlannedPlatform {
  os: string;
  architecture: string;
  variant?: string;
}

/** Fields every output shares. */
interface OutputBase {
  /** The target that produced it, as users write it with its overrides: `+build --V=1`. */
  target: string;
  /** Marshalled pb.Definition of the state to solve. */
  definition: Uint8Array;
  /** Where the statement that asked for it stands. */
  at?: PlanPosition;
  /** WAIT blocks: outputs of phase n are written before phase n+1 starts; 0 without WAIT. */
  phase?: number;
  /**
   * Saved after a RUN --push of its target: written only under --push, after the push phase ran
   * (its state holds the RUN --push commands, which have already run by then).
   */
  pushPhase?: boolean;
}

/** A target's final state, solved because it was invoked or reached through BUILD (it may have no SAVE). */
export interface TargetRun extends OutputBase {
  kind: "run";
}

/** SAVE IMAGE that fires. */
export interface ImageOutput extends OutputBase {
  kind: "image";
  names: string[];
  /** SAVE IMAGE --push: pushed only when the user passed --push. */
  push: boolean;
  insecure: boolean;
  config: PlannedImageConfig;
  platform: PlannedPlatform;
}

/**
 * SAVE ARTIFACT … AS LOCAL that fires. The definition's root holds what to write: for `file`, that
 * one file (under any name); for `replace` and `merge`, the directory's entries.
 */
export interface LocalArtifactOutput extends OutputBase {
  kind: "artifact";
  /** The Buildfile's directory: destinations are relative to it and may not leave it without force. */
  baseDir: string;
  /**
   * The final path relative to baseDir, already expanded and resolved by the planner (a trailing
   * `/` after AS LOCAL has become `dir/<artifact name>`).
   */
  destination: string;
  /** file: one file; replace: a directory replaces the destination; merge: a glob merges into it. */
  shape: "file" | "replace" | "merge";
  /** SAVE ARTIFACT --force. */
  force: boolean;
  /**
   * Saved in the FINALLY of a TRY: solved apart from the rest of its phase (it does not depend on
   * the RUN's exit code) and written even when the build fails.
   */
  finally?: boolean;
}

/**
 * A target's push phase: its first RUN --push and every command after it. Runs only under --push,
 * after every other output succeeded; without --push each command is reported as not run.
 */
export interface PushRun extends OutputBase {
  kind: "push-run";
  /** The commands of the push phase, as written (`RUN --push ./deploy`, `COPY …`). */
  commands: string[];
}

export type PlannedOutput = TargetRun | ImageOutput | LocalArtifactOutput | PushRun;

/**
 * A RUN of a LOCALLY target: a command the executor runs on the host, not in BuildKit. Host runs
 * have no definition; they run in plan order, each phase's before that phase's solves (so a COPY of
 * a LOCALLY target's artifact reads what its RUNs wrote), and whenever their target is reached
 * (BUILD, COPY): they are the target's work, not a SAVE effect. Those a later LOCALLY IF or
 * `$(...)` must see ran while planning (`ranWhilePlanning`).
 */
export interface HostRun {
  kind: "host-run";
  /** As users write it: `+build --V=1`. */
  target: string;
  /** A shell command (run with `/bin/sh -c`), or the exec form's argv. */
  command: { shell: string } | { exec: string[] };
  /** The absolute directory it runs in: the Buildfile's, changed by WORKDIR. */
  directory: string;
  /** The target's ENVs, ARGs and LETs, added to the host's environment. */
  environment: Array<[string, string]>;
  at?: PlanPosition;
  /** WAIT blocks, as for outputs; 0 without WAIT. */
  phase?: number;
  /**
   * It ran while planning, because a later IF or `$(...)` of a LOCALLY target had to see what it
   * did (as in Earthly); the executor does not run it again.
   */
  ranWhilePlanning?: boolean;
}

/** The key of a host run (by its index in Plan.hostRuns) in Plan.steps and in progress events. */
export function hostRunStepKey(index: number): string {
  return `host-run:${index}`;
}

/** A SAVE statement (or RUN --push) reached by the plan that does not fire, and why. */
export interface SkippedEffect {
  kind: "image" | "artifact" | "push-run";
  target: string;
  /** e.g. the image names or the AS LOCAL destination. */
  what: string;
  reason: string;
  at?: PlanPosition;
}

/** A local directory the session must serve for a COPY from the build context. */
export interface LocalContext {
  /** The name used in the `local` source (`local://NAME`). */
  name: string;
  /** Absolute path of the directory. */
  dir: string;
}

/** How targets were reached, for `ebuild plan`. */
export interface ReachEdge {
  from: string;
  to: string;
  kind: "BUILD" | "FROM" | "COPY" | "DO" | "LOAD";
  at?: PlanPosition;
}

/** What a vertex of the plan's definitions is, for progress: which target and which command. */
export interface PlannedStep {
  /** As users write it: `+build --V=1`. */
  target: string;
  /** The Buildfile command, e.g. `RUN make` (secret values never appear here). */
  command: string;
  at?: PlanPosition;
}

export interface Plan {
  /** Outputs in a stable order: runs, images, artifacts, push runs; WAIT groups later come as `phase`. */
  outputs: PlannedOutput[];
  skipped: SkippedEffect[];
  edges: ReachEdge[];
  contexts: LocalContext[];
  /** Secret ids the build reads: each must be given on the command line. */
  secrets: string[];
  /** BuildKit entitlements the build needs (`security.insecure` for RUN --privileged, `network.host`). */
  entitlements: string[];
  /** The first statement needing each entitlement, for the consent error. */
  entitlementsAt?: Record<string, PlanPosition>;
  /** Commands LOCALLY targets run on the host, in order (`ebuild plan` shows them as LOCALLY). */
  hostRuns?: HostRun[];
  /** Op digest (`sha256:…`, as Status reports vertices) → the step it came from; host runs by hostRunStepKey. */
  steps?: ReadonlyMap<string, PlannedStep>;
}
