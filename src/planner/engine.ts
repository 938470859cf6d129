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

/** FROM DOCKERFILE: what BuildKit's Dockerfile frontend is given. */
export interface DockerfileBuild {
  /** The invocation asking, as users see it (`+build --V=1`). */
  target: string;
  platform: string;
  /**
   * The build context: a host directory (the frontend then asks the session for only the files
   * the Dockerfile copies, minus its .dockerignore) or a planned state (an artifact).
   */
  context: { kind: "directory"; directory: string } | { kind: "state"; state: unknown };
  /** Where the Dockerfile is: `filename` inside a host directory or inside a planned state. */
  dockerfile: { kind: "directory"; directory: string; filename: string } | { kind: "state"; state: unknown; filename: string };
  /** The Dockerfile stage to build (`--target`); the last stage when undefined. */
  stage?: string | undefined;
  /** The Dockerfile's ARG values. */
  buildArgs: ReadonlyArray<readonly [string, string]>;
}

/** The frontend's answer: the stage's LLB and its image configuration. */
export interface BuiltDockerfile {
  /**
   * A marshalled pb.Definition. A host-directory context appears in it as `local://context`
   * naming the session that served it (`local.session`); the planner renames that source.
   */
  definition: Uint8Array;
  config: PlannedImageConfig;
}

export interface Engine {
  resolveImageConfig(ref: string, platform: string): Promise<ResolvedImage>;
  /** Runs `command` with `/bin/sh -c` and resolves to its standard output. */
  shellOut(place: BuildPlace, command: string): Promise<string>;
  /** Runs `command`; true when it exits with 0. */
  evaluateCondition(place: BuildPlace, command: string): Promise<boolean>;
  /** Converts a Dockerfile with BuildKit's Dockerfile frontend (FROM DOCKERFILE); nothing is built yet. */
  buildDockerfile?(request: DockerfileBuild): Promise<BuiltDockerfile>;
}

/** Reads files of git checkouts, for remote Buildfiles. The BuildKit client implements it. */
export interface GitFiles {
  /**
   * The text of `path` (relative to the checkout's root), or undefined when the checkout has no
   * such file. Throws an EbuildError when the repository or the ref cannot be fetched.
   */
  readGitFile(checkout: GitCheckout, path: string): Promise<string | undefined>;
}
