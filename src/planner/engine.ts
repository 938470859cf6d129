/**
 * What planning needs from a running BuildKit: base image configs, `$(...)` output and IF/FOR
 * conditions, each evaluated in the build state of the statement that asks. The BuildKit client
 * implements it; unit tests use a deterministic in-memory engine.
 */
import type { PlannedImageConfig } from "./plan.js";
import type { GitCheckout } from "./remote.js";

/** Where a shell-out or condition runs: the target, its platform, and the ARG/LET environment. */
export interface BuildPlace {
  /** The invocation, as users see it (`+build --V=1`). */
  target: string;
  platform: string;
  /** ARGs and LETs as `KEY=value` prefixes of the command (never image ENV). */
  environment: ReadonlyArray<readonly [string, string]>;
  /**
   * The build state to run in (an LLB state of the planner's builder); undefined while the planner
   * walks targets only for their effects.
   */
  state?: unknown;
}

export interface ResolvedImage {
  /** The manifest digest the name resolved to, pinned into the LLB so plans are repeatable. */
  digest?: string;
  config: PlannedImageConfig;
}

export interface Engine {
  resolveImageConfig(ref: string, platform: string): Promise<ResolvedImage>;
  /** Runs `command` with `/bin/sh -c` and resolves to its standard output. */
  shellOut(place: BuildPlace, command: string): Promise<string>;
  /** Runs `command`; true when it exits with 0. */
  evaluateCondition(place: BuildPlace, command: string): Promise<boolean>;
}

/** Reads files of git checkouts, for remote Buildfiles. The BuildKit client implements it. */
export interface GitFiles {
  /**
   * The text of `path` (relative to the checkout's root), or undefined when the checkout has no
   * such file. Throws an EbuildError when the repository or the ref cannot be fetched.
   */
  readGitFile(checkout: GitCheckout, path: string): Promise<string | undefined>;
}
