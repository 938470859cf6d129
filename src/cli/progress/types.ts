/**
 * What the build command tells the progress display, and what the display knows about a step.
 * The build command creates one renderer per invocation (see createRenderer), opens a
 * `solve(tag)` per Solve it runs (several may run at once) and feeds each one's ProgressEvents;
 * then it calls `summary` or `failure`, and `close`.
 */
import type { ProgressEvent } from "../../buildkit/progress.js";
import type { SourcePosition } from "../../errors.js";

/** What the planner knows about a vertex: which target it belongs to and what it runs. */
export interface StepInfo {
  /** As the user writes it: `+build`, `./lib+test`. */
  target: string;
  /** The Buildfile command, e.g. `RUN make`. */
  command: string;
  /** Where the command is in its Buildfile. */
  at?: SourcePosition | undefined;
}

/**
 * Finds a vertex's step by its digest (the planner's source map). Undefined for vertices the
 * planner did not write (context uploads, exporters): they are named by their LLB description.
 */
export type StepLookup = (vertexDigest: string) => StepInfo | undefined;

/** What one Solve builds. */
export interface SolveTag {
  /** The target the Solve was started for; steps the lookup does not know are shown under it. */
  target: string;
  lookup?: StepLookup | undefined;
}

/** Receives the progress of one Solve; `onProgress` fits runBuild's option of that name. */
export interface SolveProgress {
  readonly onProgress: (event: ProgressEvent) => void;
  /** The Solve ended: partial lines of its steps are printed. */
  done(): void;
}

/** An image the build saved or pushed. */
export interface SavedImage {
  name: string;
  digest?: string | undefined;
  pushed?: boolean | undefined;
  /** e.g. the platform of one variant of a multi-platform image, or the platforms of its list. */
  note?: string | undefined;
}

/** What the build did, for the closing summary. */
export interface BuildResult {
  images?: SavedImage[] | undefined;
  /** Files and folders written on the host, as paths the user can open. */
  artifacts?: Array<{ path: string }> | undefined;
  /** Effects the build skipped, e.g. { action: "did not push ebuild/x:1", reason: "run with --push" }. */
  skipped?: Array<{ action: string; reason: string }> | undefined;
  /** The whole build's time; by default the time since the renderer was created. */
  durationMs?: number | undefined;
}

/** The progress display of one build. */
export interface BuildRenderer {
  solve(tag: SolveTag): SolveProgress;
  /** A new stage of the build, e.g. "plan", "build", "export" (a log group on GitHub Actions). */
  phase(name: string): void;
  summary(result: BuildResult): void;
  /**
   * Shows why the build failed: for a failed step its Buildfile position, command, exit code and
   * last lines of output. The caller still reports the error itself (message, exit code).
   */
  failure(error: unknown): void;
  /** Text with the known secret values replaced, for messages printed outside the renderer. */
  redact(text: string): string;
  /** Stops the live view and timers; call once, last. */
  close(): void;
}

/** Where a renderer writes: process.stdout or a stand-in with the same shape. */
export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean | undefined;
  columns?: number | undefined;
}
