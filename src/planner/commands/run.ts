/**
 * RUN: shell form through `/bin/sh -c`, exec form as written. ARGs and LETs reach the command as
 * its environment (not the image's ENV); flags become mounts, secrets, network and security modes.
 */
import { EbuildError } from "../../errors.js";
import type { MountSpec, RunCommand } from "../../parser/ast.js";
import type { TargetBuild } from "../build-state.js";
import { positionOf } from "../expansion.js";
import { copy, defaultSshTarget, mkfile, scratch, type ExecState, type Mount, type RunOptions, type SecretEnv, type SourceLocation, type State } from "../llb/index.js";

/** What the walk knows at a RUN that the command needs. */
export interface RunPlace {
  /** ARGs and LETs, in declaration order. */
  environment: ReadonlyArray<readonly [string, string]>;
  /** A cache id prefix unique to the target, so cache mounts without id= do not collide. */
  cacheScope: string;
  /** CACHE commands of the target: persistent mounts for every RUN after them. */
  caches: readonly Mount[];
  /** The RUN's place in its Buildfile, so a failure points at it. */
  location?: SourceLocation;
  /** In a push phase every RUN runs each time, like RUN --push itself (never from the cache). */
  pushPhase?: boolean;
  /**
   * TRY: the RUN succeeds whatever the command's exit code, which goes to the file `code` of the
   * mount at {@link exitCodeMount} (see {@link failOnExitCode}).
   */
  captureExitCode?: boolean;
}

/** Plans a RUN on the target's state; returns the exec, whose mounts TRY reads. */
export function planRun(build: TargetBuild, command: RunCommand, place: RunPlace): ExecState {
  const options = runOptionsOf(build, command, place);
  const exec = build.state.run(place.captureExitCode === true ? capturingExitCode(options) : options);
  build.state = exec.root();
  return exec;
}

/** Where a TRY's RUN writes its exit code (a mount, so it never enters the image). */
export const exitCodeMount = "/.ebuild/try";

function capturingExitCode(options: RunOptions): RunOptions {
  // The file exists beforehand, writable by anyone: the command may run as a USER other than root.
  // (mkfile's mode goes through the daemon's umask; a copy's mode is set as given.)
  const seed = scratch().file(mkfile("/code", 0o644, ""), { description: "TRY exit code" });
  const codeFile = scratch().file(copy(seed, "/code", "/code", { mode: 0o666 }), { description: "TRY exit code" });
  return {
    ...options,
    // The command's argv as it was, through "$@"; then its status, and success.
    args: ["/bin/sh", "-c", `"$@"; echo $? > ${exitCodeMount}/code`, "sh", ...options.args],
    mounts: [...(options.mounts ?? []), { type: "bind", target: exitCodeMount, from: codeFile }],
  };
}

/**
 * After a TRY's FINALLY: `state` fails as the RUN did when its captured exit code (in the mount
 * result `codes`) is not 0, and is `state` unchanged otherwise.
 */
export function failOnExitCode(state: State, codes: State, step: { description: string; location?: SourceLocation }): State {
  return state
    .run({
      args: ["/bin/sh", "-c", `exit "$(cat ${exitCodeMount}/code)"`],
      mounts: [{ type: "bind", target: exitCodeMount, from: codes, readonly: true }],
      description: step.description,
      ...(step.location === undefined ? {} : { location: step.location }),
    })
    .root();
}

/** The exec settings of a RUN: its argv, environment, mounts, network and security mode. */
export function runOptionsOf(build: TargetBuild, command: RunCommand, place: RunPlace): RunOptions {
  const env: Record<string, string> = {};
  for (const [name, value] of place.environment) env[name] = value;
  const secretEnv: SecretEnv[] = [];
  for (const secret of command.flags.secrets) {
    const text = secret.text;
    const eq = text.indexOf("=");
    const name = eq < 0 ? text : text.slice(0, eq);
    const id = eq < 0 ? text : text.slice(eq + 1);
    if (id !== "") secretEnv.push({ id, name });
  }
  const mounts: Mount[] = [];
  for (const cache of place.caches) mounts.push(cache);
  for (const m of command.flags.mounts) mounts.push(mountOf(m, place.cacheScope));
  // --ssh: the user's agent as BuildKit's "default" ssh id, SSH_AUTH_SOCK pointing at it.
  if (command.flags.ssh) mounts.push({ type: "ssh", target: defaultSshTarget(0) });
  const network = command.flags.network?.text;
  if (network !== undefined && network !== "none" && network !== "host" && network !== "default") {
    throw new EbuildError("semantic", `RUN --network=${network} is not supported`, { at: positionOf(command.range), hint: "use --network=none, or leave it out" });
  }
  const argv = command.form === "exec" ? [...(command.exec ?? [])] : ["/bin/sh", "-c", command.text];
  if (command.flags.entrypoint) argv.unshift(...(build.config.Entrypoint ?? []));
  return {
    args: argv,
    env,
    // Kept by the RUN's op for the plan's life: no empty lists of its own.
    mounts: mounts.length === 0 ? undefined : mounts,
    secretEnv: secretEnv.length === 0 ? undefined : secretEnv,
    network: network === "none" ? "none" : network === "host" ? "host" : undefined,
    security: command.flags.privileged ? "insecure" : undefined,
    ignoreCache: command.flags.noCache || command.flags.push || place.pushPhase === true,
    description: `RUN ${command.text}`,
    location: place.location,
  };
}

function mountOf(spec: MountSpec, cacheScope: string): Mount {
  const at = positionOf(spec.range);
  const option = (key: string) => spec.options.find((o) => o.key === key)?.value;
  const target = option("target") ?? option("dst") ?? option("destination");
  if (target === undefined) throw new EbuildError("semantic", "--mount needs target=PATH", { at, hint: "write --mount=type=cache,target=/root/.cache" });
  const mode = option("mode") ?? option("chmod");
  switch (spec.type) {
    case "cache": {
      const sharing = option("sharing");
      if (sharing !== undefined && sharing !== "shared" && sharing !== "private" && sharing !== "locked") {
        throw new EbuildError("semantic", `--mount sharing=${sharing} is not one of shared, private, locked`, { at });
      }
      return { type: "cache", target, id: option("id") ?? `${cacheScope}${target}`, sharing: sharing ?? "shared" };
    }
    case "tmpfs":
      return { type: "tmpfs", target };
    case "secret": {
      const id = option("id");
      if (id === undefined || id === "") throw new EbuildError("semantic", "--mount=type=secret needs id=NAME", { at });
      return { type: "secret", target, id, mode: mode === undefined ? 0o400 : parseInt(mode, 8) };
    }
    default:
      throw new EbuildError("semantic", `--mount type=${spec.type ?? "(none)"} is not supported`, { at, hint: "use type=cache, type=tmpfs or type=secret" });
  }
}
