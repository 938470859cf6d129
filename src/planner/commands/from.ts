/**
 * FROM: an image (its config resolved through the engine, so ENV, WORKDIR, USER, CMD carry over),
 * `scratch`, or another target's result (its state and config; its artifacts stay its own).
 */
import { EbuildError, type SourcePosition } from "../../errors.js";
import { copyConfig, configEnvPairs, type TargetBuild } from "../build-state.js";
import type { Engine } from "../engine.js";
import { image, normalizeImageRef, parsePlatform, scratch, type State } from "../llb/index.js";
import type { PlannedImageConfig } from "../plan.js";

export async function planFromImage(build: TargetBuild, ref: string, platform: string, engine: Engine | undefined, at?: SourcePosition): Promise<void> {
  // Checked here, before the daemon is asked, so a typo points at the FROM line.
  try {
    parsePlatform(platform);
  } catch (error) {
    throw new EbuildError("semantic", `FROM --platform=${platform}: ${(error as Error).message}`, { at, hint: "write os/arch or os/arch/variant, e.g. linux/amd64" });
  }
  if (ref !== "scratch") {
    try {
      normalizeImageRef(ref);
    } catch (error) {
      throw new EbuildError("semantic", `FROM ${ref}: ${(error as Error).message}`, { at, hint: "write an image name such as alpine:3.20, or +target" });
    }
  }
  if (ref === "scratch") {
    build.state = scratch().platform(parsePlatform(platform));
    build.config = {};
    return;
  }
  const resolved = engine === undefined ? { config: {} } : await engine.resolveImageConfig(ref, platform);
  const config = copyConfig(resolved.config);
  build.state = applyImageConfig(image(pinnedRef(ref, resolved.digest), { platform: parsePlatform(platform) }), config);
  build.config = config;
}

/** An image's ENV, WORKDIR and USER as the settings later commands run with. */
export function applyImageConfig(base: State, config: PlannedImageConfig): State {
  let state = base;
  for (const [name, value] of configEnvPairs(config)) state = state.env(name, value);
  if (config.WorkingDir) state = state.dir(config.WorkingDir);
  if (config.User) state = state.user(config.User);
  return state;
}

/**
 * The name with the digest the engine resolved it to, as buildx's Dockerfile frontend writes it
 * (`name:tag@sha256:…`): every solve of this plan uses the same image even if the tag moves. An
 * image only in the daemon's store has no digest and keeps its name; a name that already has a
 * digest keeps its own.
 */
function pinnedRef(ref: string, digest: string | undefined): string {
  if (digest === undefined || digest === "" || ref.includes("@")) return ref;
  return `${ref}@${digest}`;
}

/** FROM +target: continue from the target's final state with a copy of its image config. */
export function planFromTarget(build: TargetBuild, from: TargetBuild): void {
  build.state = from.state;
  build.config = copyConfig(from.config);
}
