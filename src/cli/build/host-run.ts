/**
 * Runs a LOCALLY target's RUN on the host: `/bin/sh -c` (or the exec form's argv) in the planned
 * directory, with the host's environment plus the target's ENV/ARG values. Its output streams into
 * the progress display as the step's logs, under the target's prefix, like a RUN in BuildKit; a
 * failure names the command, its exit code and its Buildfile position.
 */
import { spawn } from "node:child_process";
import type { ProgressEvent, VertexRef } from "../../buildkit/progress.js";
import { EbuildError } from "../../errors.js";
import type { HostRun } from "../../planner/plan.js";

/** The command as users wrote it, for progress and messages. */
export function hostRunText(run: HostRun): string {
  return "shell" in run.command ? run.command.shell : JSON.stringify(run.command.exec);
}

export interface HostRunOptions {
  /** The step key (the planner's hostRunStepKey) the progress events carry. */
  stepKey: string;
  onProgress?: ((event: ProgressEvent) => void) | undefined;
  signal?: AbortSignal | undefined;
}

export async function runOnHost(run: HostRun, options: HostRunOptions): Promise<void> {
  const vertex: VertexRef = { digest: options.stepKey, name: `LOCALLY RUN ${hostRunText(run)}` };
  const emit = (event: ProgressEvent) => options.onProgress?.(event);
  const startedAt = new Date();
  emit({ type: "vertex-started", vertex, inputs: [], at: startedAt });
  const [file, args] = "shell" in run.command ? ["/bin/sh", ["-c", run.command.shell]] : [run.command.exec[0] ?? "", run.command.exec.slice(1)];
  const env = { ...process.env, ...Object.fromEntries(run.environment) };
  const outcome = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((resolve) => {
    const child = spawn(file, args, { cwd: run.directory, env, stdio: ["ignore", "pipe", "pipe"] });
    const onAbort = () => child.kill("SIGTERM");
    options.signal?.addEventListener("abort", onAbort, { once: true });
    child.stdout.on("data", (data: Buffer) => emit({ type: "log", vertex, stream: "stdout", data: new Uint8Array(data), at: new Date() }));
    child.stderr.on("data", (data: Buffer) => emit({ type: "log", vertex, stream: "stderr", data: new Uint8Array(data), at: new Date() }));
    child.on("error", (error) => resolve({ code: null, signal: null, error }));
    child.on("close", (code, signal) => {
      options.signal?.removeEventListener("abort", onAbort);
      resolve({ code, signal });
    });
  });
  if (options.signal?.aborted) {
    emit({ type: "vertex-errored", vertex, error: "cancelled", cancelled: true, startedAt, at: new Date() });
    throw new EbuildError("cancelled", `LOCALLY RUN ${hostRunText(run)} was cancelled`);
  }
  if (outcome.code === 0) {
    emit({ type: "vertex-completed", vertex, startedAt, at: new Date() });
    return;
  }
  const why = outcome.error
    ? `could not start: ${outcome.error.message}`
    : outcome.signal
      ? `was killed by ${outcome.signal}`
      : `did not complete successfully: exit code: ${outcome.code}`;
  const message = `${run.target} LOCALLY RUN ${hostRunText(run)} ${why}`;
  emit({ type: "vertex-errored", vertex, error: message, cancelled: false, startedAt, at: new Date() });
  throw new EbuildError("build", message, { ...(run.at ? { at: run.at } : {}), hint: `it ran on the host in ${run.directory}` });
}
