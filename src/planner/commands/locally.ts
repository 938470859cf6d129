/**
 * LOCALLY: the target's commands run on the host, in the Buildfile's directory. RUN becomes a
 * HostRun the executor carries out; WORKDIR moves the host directory; SAVE ARTIFACT takes host
 * files, uploaded through the session as a context of their own, so COPY +target/file and AS
 * LOCAL work as for any target; `$(...)` and IF conditions run on the host while planning
 * (host-commands.ts). Commands that need a container or an image are refused at their line.
 */
import { EbuildError, type SourcePosition } from "../../errors.js";
import type { ExecFlags, RunCommand, Statement } from "../../parser/ast.js";
import { positionOf } from "../expansion.js";
import type { TargetBuild } from "../build-state.js";
import { local, scratch, type State } from "../llb/index.js";
import { joinPath, normalizePath, staysInside } from "../paths.js";
import type { HostRun } from "../plan.js";

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
  if (statement.kind === "IF") {
    for (const branch of statement.branches) refuseContainerFlags("IF", branch.flags, positionOf(branch.range));
  }
  if (statement.kind === "FOR") refuseContainerFlags("FOR", statement.flags, at);
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

/** IF and FOR run their commands on the host: flags that give them a container's mounts are refused. */
function refuseContainerFlags(keyword: string, flags: ExecFlags, at: SourcePosition): void {
  const flag = flags.privileged ? "--privileged" : flags.ssh ? "--ssh" : flags.secrets.length > 0 ? "--secret" : flags.mounts.length > 0 ? "--mount" : undefined;
  if (flag === undefined) return;
  throw new EbuildError("semantic", `${keyword} ${flag} is not allowed in a LOCALLY target: its command runs on the host, not in a container`, { at });
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
export function hostFiles(source: string, contextName: string, at: SourcePosition, uniqueId?: string): State {
  if (!staysInside(source)) {
    throw new EbuildError("semantic", `SAVE ARTIFACT ${source}: a LOCALLY target saves files inside its directory`, { at, hint: "use WORKDIR to move to the files' directory first" });
  }
  const pattern = normalizePath(source);
  return local(contextName, {
    ...(pattern === "." ? {} : { includePatterns: [pattern] }),
    excludePatterns: [".ebuild-staging-*"],
    sharedKeyHint: contextName,
    ...(uniqueId === undefined ? {} : { uniqueId }),
    description: `LOCALLY SAVE ARTIFACT ${source}`,
  });
}
