/**
 * Errors are values: every failure ebuild reports carries a code (which picks the exit code), an
 * optional position in a Buildfile and a hint that says what to do. Only the CLI turns them into text.
 */

/** Exit codes, documented in the README. */
export const ExitCode = {
  ok: 0,
  buildFailed: 1,
  usage: 2,
  cancelled: 3,
  daemonUnreachable: 6,
  privilegedNeeded: 9,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export type ErrorKind =
  | "usage" // bad command line
  | "syntax" // a Buildfile that does not parse
  | "semantic" // a Buildfile that parses but cannot be planned
  | "build" // the daemon ran the build and it failed
  | "cancelled"
  | "unreachable" // no daemon answered
  | "privileged" // privileged work without the user's consent
  | "internal";

/** A position in a source file; lines and columns count from 1. */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

export interface EbuildErrorOptions {
  at?: SourcePosition;
  hint?: string;
  cause?: unknown;
}

export class EbuildError extends Error {
  readonly kind: ErrorKind;
  readonly at: SourcePosition | undefined;
  readonly hint: string | undefined;

  constructor(kind: ErrorKind, message: string, options: EbuildErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "EbuildError";
    this.kind = kind;
    this.at = options.at;
    this.hint = options.hint;
  }

  get exitCode(): ExitCode {
    return exitCodeOf(this.kind);
  }
}

export function exitCodeOf(kind: ErrorKind): ExitCode {
  switch (kind) {
    case "usage":
    case "syntax":
    case "semantic":
      return ExitCode.usage;
    case "cancelled":
      return ExitCode.cancelled;
    case "unreachable":
      return ExitCode.daemonUnreachable;
    case "privileged":
      return ExitCode.privilegedNeeded;
    case "build":
    case "internal":
      return ExitCode.buildFailed;
  }
}
