/**
 * LOCALLY: the target's commands run on the host, in the Buildfile's directory. RUN becomes a
 * HostRun the executor carries out; WORKDIR moves the host directory; SAVE ARTIFACT takes host
 * files, uploaded through the session as a context of their own, so COPY +target/file and AS
 * LOCAL work as for any target; `$(...)` and IF conditions run on the host while planning, when
 * nothing the build runs later could change their answer. Commands that need a container or an
 * image are refused at their line.
 */
import { EbuildError, type SourcePosition } from "../../errors.js";
import type { RunCommand, Statement } from "../../parser/ast.js";
import type { TargetBuild } from "../build-state.js";
import { local, scratch, type State } from "../llb/index.js";
import { joinPath, normalizePath, staysInside } from "../paths.js";
import type { HostRun } from "../plan.js";
import type { HostEvaluation, HostPlace, HostShell } from "../host-shell.js";
import { trimTrailingNewlines } from "../expand/shell-out.js";

/** Commands that need a container, an image or a Docker daemon: meaningless on the host. */
const containerOnly = new Set<Statement["kind"]>([
  "FROM",
  "FROM_DOCKERFILE",
  "COPY",
  "SAVE_IMAGE",
  "GIT_CLONE",
  "CACHE",
  "USER",
  "ENTRYPOINT",
  "CMD",
  "LABEL",
  "EXPOSE",
  "VOLUME",
  "HEALTHCHECK",
  "HOST",
  "WITH_DOCKER",
]);

/** Throws when a statement cannot run in a LOCALLY target. */
export function checkAllowedLocally(statement: Statement, at: SourcePosition): void {
  if (!containerOnly.has(statement.kind)) return;
  const keyword = statement.kind.replace("_", " ");
  throw new EbuildError("semantic", `${keyword} is not allowed in a LOCALLY target: its commands run on the host`, {
    at,
    hint: statement.kind === "COPY" || statement.kind === "FROM" || statement.kind === "SAVE_IMAGE"
      ? "do the container work in another target and BUILD it (or COPY from it there)"
      : "LOCALLY targets run RUN, WORKDIR, ENV, ARG, LET, SET, IF, FOR, BUILD, WAIT and SAVE ARTIFACT",
  });
}

/** LOCALLY: the build leaves any base image behind and starts in the Buildfile's directory. */
export function planLocally(build: TargetBuild, directory: string): void {
  build.state = scratch();
  build.config = {};
  build.host = { directory };
}

/** WORKDIR in a LOCALLY target: later RUNs and SAVE ARTIFACTs use that host directory. */
export function planHostWorkdir(build: TargetBuild, path: string): void {
  build.host = { directory: joinPath(build.host!.directory, path) };
}

/** RUN flags that only mean something in a container. */
function containerFlagOf(command: RunCommand): string | undefined {
  const f = command.flags;
  if (f.push) return "--push";
  if (f.privileged) return "--privileged";
  if (f.secrets.length > 0) return "--secret";
  if (f.mounts.length > 0) return "--mount";
  if (f.network !== undefined) return "--network";
  if (f.ssh) return "--ssh";
  if (f.entrypoint) return "--entrypoint";
  if (f.interactive || f.interactiveKeep) return "--interactive";
  return undefined;
}

/** RUN on the host: the command, where it runs and with which environment. */
export function planHostRun(
  build: TargetBuild,
  command: RunCommand,
  place: { target: string; environment: Array<[string, string]>; phase: number; at: SourcePosition },
): HostRun {
  const flag = containerFlagOf(command);
  if (flag !== undefined) {
    throw new EbuildError("semantic", `RUN ${flag} is not allowed in a LOCALLY target: it runs on the host, not in a container`, { at: place.at });
  }
  return {
    kind: "host-run",
    target: place.target,
    command: command.form === "exec" ? { exec: [...(command.exec ?? [])] } : { shell: command.text },
    directory: build.host!.directory,
    environment: place.environment,
    at: place.at,
    ...(place.phase === 0 ? {} : { phase: place.phase }),
  };
}

/**
 * The host files SAVE ARTIFACT reads: an upload of the host directory under `contextName` with
 * only `source` included. The path must stay inside that directory.
 */
export function hostFiles(source: string, contextName: string, at: SourcePosition): State {
  if (!staysInside(source)) {
    throw new EbuildError("semantic", `SAVE ARTIFACT ${source}: a LOCALLY target saves files inside its directory`, { at, hint: "use WORKDIR to move to the files' directory first" });
  }
  const pattern = normalizePath(source);
  return local(contextName, {
    ...(pattern === "." ? {} : { includePatterns: [pattern] }),
    excludePatterns: [".ebuild-staging-*"],
    sharedKeyHint: contextName,
    description: `LOCALLY SAVE ARTIFACT ${source}`,
  });
}

/** What a host command run while planning needs: the shell, and what the plan holds so far. */
export interface HostEvaluationContext {
  /** Undefined when planning may not run anything on the host (`ebuild plan` unless asked). */
  shell: HostShell | undefined;
  place: Omit<HostPlace, "at">;
  /** The host RUNs planned so far, in order: they run only when the build runs. */
  earlierRuns: readonly HostRun[];
  /** The current WAIT phase: a WAIT block's outputs are written only when the build runs. */
  phase: number;
  formatAt(at: SourcePosition): string;
  record(evaluation: HostEvaluation): void;
}

/** A LOCALLY target's `$(command)`: its standard output on the host, trailing newlines removed. */
export async function hostShellOut(context: HostEvaluationContext, command: string, at: SourcePosition): Promise<string> {
  const shell = hostShellFor(`$(${command})`, context, at);
  const output = trimTrailingNewlines(await shell.shellOut({ ...context.place, at }, command));
  context.record({ kind: "$(...)", target: context.place.target, command, directory: context.place.directory, at, result: output });
  return output;
}

/** A LOCALLY target's IF condition: true when `command` exits with 0 on the host. */
export async function hostCondition(context: HostEvaluationContext, command: string, at: SourcePosition): Promise<boolean> {
  const shell = hostShellFor(`IF ${command}`, context, at);
  const holds = await shell.evaluateCondition({ ...context.place, at }, command);
  context.record({ kind: "IF", target: context.place.target, command, directory: context.place.directory, at, result: String(holds) });
  return holds;
}

/**
 * Planning comes before the build: a host command run now sees the host as it is before any of
 * the build's work. That is its answer in the build too only while nothing the build runs would
 * come before it: no host RUN planned earlier, no WAIT block ended earlier (Earthly, which plans
 * and runs in one pass, would run those first). Otherwise it is refused rather than answered wrong.
 */
function hostShellFor(what: string, context: HostEvaluationContext, at: SourcePosition): HostShell {
  if (context.shell === undefined) {
    throw new EbuildError("semantic", `${what} in a LOCALLY target runs on the host, and nothing may run on the host here`, {
      at,
      hint: "`ebuild plan --host-commands` runs (and lists) a LOCALLY target's IF conditions and $(...); a build always runs them",
    });
  }
  const earlier = context.earlierRuns.at(-1);
  if (earlier !== undefined) {
    const where = earlier.at === undefined ? earlier.target : `${earlier.target} at ${context.formatAt(earlier.at)}`;
    throw new EbuildError("semantic", `${what} runs on the host while planning, before the LOCALLY RUN of ${where} that precedes it has run`, {
      at,
      hint: "put it before the first host RUN (e.g. LET x = $(...) at the top), or test it in the RUN's shell: RUN if …; then …; fi",
    });
  }
  if (context.phase > 0) {
    throw new EbuildError("semantic", `${what} runs on the host while planning, but it comes after a WAIT block, whose outputs are written only when the build runs`, {
      at,
      hint: "put it before the WAIT block, or test it in a RUN's shell",
    });
  }
  return context.shell;
}
