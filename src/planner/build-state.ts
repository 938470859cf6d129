/**
 * What planning a target's recipe builds up: the filesystem state with its process settings, the
 * image config that SAVE IMAGE writes, and the target's artifact namespace (what SAVE ARTIFACT put
 * there, for COPY +target/path).
 */
import { scratch, type State } from "./llb/index.js";
import type { PlannedImageConfig } from "./plan.js";

export interface TargetBuild {
  state: State;
  config: PlannedImageConfig;
  artifacts: State;
  /** Set by LOCALLY: the target's commands run on the host, in this (absolute) directory. */
  host?: { directory: string } | undefined;
}

/** A fresh build: scratch filesystem, empty config, no artifacts. */
export function emptyBuild(): TargetBuild {
  return { state: scratch(), config: {}, artifacts: scratch() };
}

/**
 * A copy of an image config whose fields may be set without touching the original. Its lists and
 * maps are shared: no command changes one in place (each sets a new one, see commands/config.ts
 * and setConfigEnv), and a large build copies a config per FROM +target and per SAVE IMAGE.
 */
export function copyConfig(config: PlannedImageConfig): PlannedImageConfig {
  return { ...config };
}

/** Sets `KEY=value` in a config's Env, replacing an earlier value of KEY in place. */
export function setConfigEnv(config: PlannedImageConfig, name: string, value: string): void {
  const prefix = `${name}=`;
  const env: string[] = [];
  for (const entry of config.Env ?? []) if (!entry.startsWith(prefix)) env.push(entry);
  env.push(prefix + value);
  config.Env = env;
}

/** The `KEY=value` entries of a config's Env as pairs. */
export function configEnvPairs(config: PlannedImageConfig): Array<[string, string]> {
  return (config.Env ?? []).map((entry) => {
    const eq = entry.indexOf("=");
    return eq < 0 ? [entry, ""] : [entry.slice(0, eq), entry.slice(eq + 1)];
  });
}
