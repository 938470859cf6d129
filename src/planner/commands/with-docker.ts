/**
 * WITH DOCKER … RUN … END: the RUN runs privileged, wrapped by `run.sh`, which starts a dockerd of
 * the container's own, loads each --load target and --pull image into it (their root filesystems
 * are mounted read-only, their image configs applied with `docker import --change`), runs the
 * command and stops dockerd. The file changes the command makes stay in the target, as with RUN;
 * dockerd's data lives on a tmpfs (or a cache mount with --cache-id) and never enters the layer.
 */
import { EbuildError } from "../../errors.js";
import type { RunCommand, Statement, WithDockerBlock } from "../../parser/ast.js";
import type { TargetBuild } from "../build-state.js";
import { positionOf } from "../expansion.js";
import { mkdir, scratch, type Mount, type State } from "../llb/index.js";
import { runOptionsOf, type RunPlace } from "./run.js";
import { dataRoot, imageDir, runScript, scriptDir, setupScript, type DockerImage } from "./with-docker-script.js";

/** An image to load: what the inner dockerd calls it, and the state and config it comes from. */
export interface LoadedImage extends DockerImage {
  state: State;
}

/** What WITH DOCKER's flags resolved to. */
export interface WithDockerOptions {
  images: readonly LoadedImage[];
  composeFiles: readonly string[];
  services: readonly string[];
  /** --cache-id: keep dockerd's data root in this cache between builds instead of a tmpfs. */
  cacheId?: string;
}

/** The block's single RUN; anything else in the block is an error at its line. */
export function runOfBlock(block: WithDockerBlock): RunCommand {
  const [first, second] = block.body;
  const extra = first !== undefined && first.kind !== "RUN" ? first : second;
  if (extra !== undefined) {
    throw new EbuildError("semantic", `WITH DOCKER holds a single RUN, not ${describe(extra)}`, {
      at: positionOf(extra.range),
      hint: "join the commands with && in one RUN, and move other commands before or after the block",
    });
  }
  if (first === undefined || first.kind !== "RUN") {
    throw new EbuildError("semantic", "WITH DOCKER needs a RUN before its END", { at: positionOf(block.range), hint: "write WITH DOCKER … RUN your-command END" });
  }
  if (first.flags.push) {
    throw new EbuildError("semantic", "RUN --push is not supported inside WITH DOCKER", { at: positionOf(first.range), hint: "run it after the block" });
  }
  return first;
}

function describe(s: Statement): string {
  return s.kind === "RUN" ? "a second RUN" : s.kind.replace("_", " ");
}

/** Plans the wrapped, privileged RUN on the target's state. */
export function planWithDocker(build: TargetBuild, command: RunCommand, docker: WithDockerOptions, place: RunPlace): void {
  const options = runOptionsOf(build, command, place);
  const scripts = scratch().file(
    mkdir(scriptDir, 0o755, { parents: true })
      .mkfile(`${scriptDir}/run.sh`, 0o755, runScript)
      .mkfile(`${scriptDir}/setup.sh`, 0o644, setupScript(docker.images, docker.composeFiles, docker.services)),
    { description: "WITH DOCKER scripts" },
  );
  const mounts: Mount[] = [
    ...(options.mounts ?? []),
    { type: "bind", target: scriptDir, from: scripts, selector: scriptDir, readonly: true },
    ...docker.images.map((image, n): Mount => ({ type: "bind", target: imageDir(n), from: image.state, readonly: true })),
    docker.cacheId === undefined
      ? { type: "tmpfs", target: dataRoot }
      : { type: "cache", target: dataRoot, id: `with-docker:${docker.cacheId}`, sharing: "locked" },
  ];
  const args = typeof options.args === "string" ? ["/bin/sh", "-c", options.args] : [...options.args];
  build.state = build.state
    .run({
      ...options,
      args: ["/bin/sh", `${scriptDir}/run.sh`, ...args],
      mounts,
      security: "insecure",
      description: `WITH DOCKER RUN ${command.text}`,
    })
    .root();
}
