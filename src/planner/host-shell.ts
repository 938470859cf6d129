/**
 * What planning needs from this machine for LOCALLY targets: their `$(...)` and IF conditions run
 * on the host, as Earthly runs them, while the target is planned (a FOR list is a `$(...)`), and
 * the host RUNs planned before them run first. The CLI implements it with /bin/sh; unit tests use
 * a fake. Without one, those commands are refused at their line, so planning never runs anything
 * on the host unasked.
 */
import type { SourcePosition } from "../errors.js";
import type { HostRun } from "./plan.js";

/** Where a host command runs: the target's host directory, with the environment host RUNs get. */
export interface HostPlace {
  /** The invocation, as users see it (`+deploy --V=1`). */
  target: string;
  /** The absolute directory: the Buildfile's, moved by WORKDIR. */
  directory: string;
  /** The target's ENVs, ARGs and LETs, added to the host's environment. */
  environment: ReadonlyArray<readonly [string, string]>;
  at: SourcePosition;
}

export interface HostShell {
  /**
   * Runs `/bin/sh -c command` and resolves to its standard output (the planner trims trailing
   * newlines); rejects with an EbuildError when it exits with another status than 0.
   */
  shellOut(place: HostPlace, command: string): Promise<string>;
  /** Runs `/bin/sh -c command`; true when it exits with 0. */
  evaluateCondition(place: HostPlace, command: string): Promise<boolean>;
  /**
   * Runs a host RUN planned before a host command, now, so that the command sees what it did
   * (`index` is its place in Plan.hostRuns); rejects when it fails. Undefined where planning may
   * run no RUN (`ebuild plan`): such a command is then refused.
   */
  runHostRun?(run: HostRun, index: number): Promise<void>;
}

/** A host command planning ran, so `ebuild plan` can say what it ran and what came of it. */
export interface HostEvaluation {
  kind: "$(...)" | "IF";
  target: string;
  command: string;
  directory: string;
  at: SourcePosition;
  /** The output of `$(...)` (trimmed), or `true` / `false` for IF. */
  result: string;
}
