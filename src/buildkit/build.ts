/**
 * One build on the daemon with its progress: Solve and the Status stream run together, Status
 * events are decoded and handed to the caller, and the stream is stopped shortly after the Solve
 * ends so a build that failed early (before the daemon registered it, when Status would wait up to
 * 6 s for a job that never comes) does not keep the caller waiting. BuildKit's own client does the
 * same (client/solve.go).
 */
import type { BuildkitClient, SolveOptions, SolveResult } from "./client.js";
import { decodeProgress, type ProgressEvent } from "./progress.js";

/** How long Status may keep streaming after the Solve returned, for the last logs to arrive. */
export const statusGraceMs = 3000;

export interface RunBuildOptions {
  /** Aborting cancels the build on the daemon; runBuild then rejects with EbuildError("cancelled"). */
  signal?: AbortSignal | undefined;
  /** Called for every progress event, in order. Exceptions thrown here stop progress, not the build. */
  onProgress?: ((event: ProgressEvent) => void) | undefined;
}

/**
 * Runs a Solve and streams its progress; resolves with the Solve's result after the progress
 * stream ended, rejects with the Solve's error (BuildFailedError for a failed step).
 */
export async function runBuild(client: BuildkitClient, solve: SolveOptions, options: RunBuildOptions = {}): Promise<SolveResult> {
  const stopStatus = new AbortController();
  const progress = (async () => {
    try {
      for await (const event of decodeProgress(client.status(solve.ref, { signal: stopStatus.signal }))) options.onProgress?.(event);
    } catch {
      // Progress is best effort: the Solve's own result says whether the build worked.
    }
  })();
  let grace: NodeJS.Timeout | undefined;
  try {
    return await client.solve(solve, options.signal);
  } finally {
    grace = setTimeout(() => stopStatus.abort(), statusGraceMs);
    await progress;
    clearTimeout(grace);
  }
}
