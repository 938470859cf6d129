/**
 * FROM: an image (its config resolved through the engine, so ENV, WORKDIR, USER, CMD carry over),
 * `scratch`, or another target's result (its state and config; its artifacts stay its own).
 */
import { copyConfig, configEnvPairs, type TargetBuild } from "../build-state.js";
import type { Engine } from "../engine.js";
import { image, parsePlatform, scratch } from "../llb/index.js";

export async function planFromImage(build: TargetBuild, ref: string, platform: string, engine: Engine | undefined): Promise<void> {
  if (ref === "scratch") {
    build.state = scratch().platform(parsePlatform(platform));
    build.config = {};
    return;
  }
  const resolved = engine === undefined ? { config: {} } : await engine.resolveImageConfig(ref, platform);
  let state = image(ref, { platform: parsePlatform(platform) });
  const config = copyConfig(resolved.config);
  for (const [name, value] of configEnvPairs(config)) state = state.env(name, value);
  if (config.WorkingDir) state = state.dir(config.WorkingDir);
  if (config.User) state = state.user(config.User);
  build.state = state;
  build.config = config;
}

/** FROM +target: continue from the target's final state with a copy of its image config. */
export function planFromTarget(build: TargetBuild, from: TargetBuild): void {
  build.state = from.state;
  build.config = copyConfig(from.config);
}
