/**
 * A LOCALLY target's `$(...)` and IF conditions (a FOR list is a `$(...)`): they run on the host
 * while the target is planned, as Earthly runs them while it converts the target. Earthly has run
 * the target's earlier host RUNs by then, so the host RUNs planned before such a command run
 * first, right then; the build does not run them again. Work the build can only do later (the
 * outputs of a WAIT block) cannot be brought forward: a host command after it is refused.
 */
import { EbuildError, type SourcePosition } from "../../errors.js";
import { trimTrailingNewlines } from "../expand/shell-out.js";
import type { HostEvaluation, HostPlace, HostShell } from "../host-shell.js";
import type { HostRun } from "../plan.js";

/** What a host command run while planning needs: the shell, and what the plan holds so far. */
export interface HostEvaluationContext {
  /** Undefined when planning may not run anything on the host (`ebuild plan` unless asked). */
  shell: HostShell | undefined;
  place: Omit<HostPlace, "at">;
  /** The host RUNs planned so far, in order; those run now are replaced by copies marked so. */
  runs: HostRun[];
  /** The current WAIT phase: a WAIT block's outputs are written only when the build runs. */
  phase: number;
  formatAt(at: SourcePosition): string;
  record(evaluation: HostEvaluation): void;
}

/** A LOCALLY target's `$(command)`: its standard output on the host, trailing newlines removed. */
export async function hostShellOut(context: HostEvaluationContext, command: string, at: SourcePosition): Promise<string> {
  const shell = await readyShell(`$(${command})`, context, at);
  const output = trimTrailingNewlines(await shell.shellOut({ ...context.place, at }, command));
  context.record({ kind: "$(...)", target: context.place.target, command, directory: context.place.directory, at, result: output });
  return output;
}

/** A LOCALLY target's IF condition: true when `command` exits with 0 on the host. */
export async function hostCondition(context: HostEvaluationContext, command: string, at: SourcePosition): Promise<boolean> {
  const shell = await readyShell(`IF ${command}`, context, at);
  const holds = await shell.evaluateCondition({ ...context.place, at }, command);
  context.record({ kind: "IF", target: context.place.target, command, directory: context.place.directory, at, result: String(holds) });
  return holds;
}

/**
 * The shell, once the host is as the command would find it in Earthly: every host RUN planned
 * before it has run. Refused where that cannot be made true (after a WAIT block; where planning
 * may not run RUNs), rather than answered from a host the build will have changed.
 */
async function readyShell(what: string, context: HostEvaluationContext, at: SourcePosition): Promise<HostShell> {
  const shell = context.shell;
  if (shell === undefined) {
    throw new EbuildError("semantic", `${what} in a LOCALLY target runs on the host, and nothing may run on the host here`, {
      at,
      hint: "`ebuild plan --host-commands` runs (and lists) a LOCALLY target's IF conditions and $(...); a build always runs them",
    });
  }
  if (context.phase > 0) {
    throw new EbuildError("semantic", `${what} runs on the host while planning, but it comes after a WAIT block, whose outputs are written only when the build runs`, {
      at,
      hint: "put it before the WAIT block, or test it in a RUN's shell: RUN if …; then …; fi",
    });
  }
  for (const [index, run] of context.runs.entries()) {
    if (run.ranWhilePlanning === true) continue;
    if (shell.runHostRun === undefined) {
      const where = run.at === undefined ? run.target : `${run.target} at ${context.formatAt(run.at)}`;
      throw new EbuildError("semantic", `${what} would run on the host after the LOCALLY RUN of ${where}, and no RUN may run here`, {
        at,
        hint: "a build runs that RUN first, then this; `ebuild plan` runs no RUN",
      });
    }
    await shell.runHostRun(run, index);
    context.runs[index] = { ...run, ranWhilePlanning: true };
  }
  return shell;
}
