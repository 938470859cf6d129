/**
 * SAVE ARTIFACT puts files into the target's artifact namespace (what COPY +target/path reads) and,
 * with AS LOCAL, prepares the state the executor writes to the host. SAVE IMAGE takes the current
 * state and image config.
 */
import type { SaveArtifactCommand } from "../../parser/ast.js";
import type { TargetBuild } from "../build-state.js";
import { constantCopyTime, copy, scratch, type CopyOptions, type State } from "../llb/index.js";
import { baseName } from "../paths.js";

/** Copies `source` of the build state into the artifacts, at `dest` (default: the root). */
export function planSaveArtifact(build: TargetBuild, command: SaveArtifactCommand, source: string, dest: string | undefined): void {
  const options = artifactCopyOptions(command);
  build.artifacts = build.artifacts.file(copy(build.state, source, dest ?? "/", options), { description: `SAVE ARTIFACT ${source}` });
}

/**
 * The state an AS LOCAL output writes: for `file`, the artifact at the root under its own name; for
 * `replace`, the directory's entries; for `merge`, every entry the glob matches.
 */
export function localArtifactState(build: TargetBuild, command: SaveArtifactCommand, source: string, shape: "file" | "replace" | "merge"): State {
  const options = artifactCopyOptions(command);
  if (shape === "file") return scratch().file(copy(build.state, source, `/${baseName(source)}`, options));
  // A directory's entries for `replace`; for `merge`, each match of the glob as itself (a matched
  // directory keeps its name, as `cp -r dir/* dest` does).
  return scratch().file(copy(build.state, source, "/", { ...options, copyDirContentsOnly: shape === "replace" }));
}

// Three flags give eight possible options: each is made once and shared (options are immutable).
const artifactOptionsByFlags = new Map<number, CopyOptions>();

function artifactCopyOptions(command: SaveArtifactCommand): CopyOptions {
  const flags = command.flags;
  const key = (flags.symlinkNoFollow ? 1 : 0) | (flags.ifExists ? 2 : 0) | (flags.keepTs ? 4 : 0);
  let options = artifactOptionsByFlags.get(key);
  if (options === undefined) {
    options = Object.freeze({
      followSymlinks: !flags.symlinkNoFollow,
      allowWildcard: true,
      allowEmptyWildcard: flags.ifExists,
      createDestPath: true,
      ...(flags.keepTs ? {} : { timestamp: constantCopyTime }),
    });
    artifactOptionsByFlags.set(key, options);
  }
  return options;
}
