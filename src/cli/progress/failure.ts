/**
 * What the failure view shows, worked out once for every mode: the failing step (from the
 * daemon's error details, else the step that failed last), its Buildfile position, command, exit
 * code and last lines of output, and a hint when the output shows a cause we know.
 */
import { BuildFailedError } from "../../buildkit/build-failure.js";
import { EbuildError, type SourcePosition } from "../../errors.js";
import type { Redactor } from "./redact.js";
import type { StepBook } from "./steps.js";

export interface FailureView {
  /** The error's message, redacted. */
  message: string;
  kind: string;
  target: string | undefined;
  command: string | undefined;
  at: SourcePosition | undefined;
  /** The failing process's exit code, when the daemon said it. */
  exitCode: number | undefined;
  /** The step's last lines of output, oldest first. */
  lastLines: string[];
  /** What to do about a cause the output shows. */
  hint: string | undefined;
}

// The kernel's answer to a program of another architecture when no binfmt handler takes it.
const foreignProgram = /exec format error/;
const emulatorHint =
  "the daemon's host cannot run programs of this step's platform: install qemu-user-static and register its binfmt handlers with the F flag (ebuild's scripts/emulators does both)";

export function describeFailure(error: unknown, book: StepBook, redactor: Redactor): FailureView {
  const message = redactor.redact(error instanceof Error ? error.message : String(error));
  const kind = error instanceof EbuildError ? error.kind : "internal";
  const digest = error instanceof BuildFailedError ? error.vertexDigest : undefined;
  const found = digest !== undefined ? book.find(digest) : kind === "build" ? book.lastFailed() : undefined;
  const at = (error instanceof EbuildError ? error.at : undefined) ?? found?.step.at;
  const exit = /exit code: (\d+)/.exec(message);
  const lastLines = found ? [...found.lastLines] : [];
  return {
    message,
    kind,
    target: found?.step.target,
    command: found && redactor.redact(found.step.command),
    at,
    exitCode: exit ? Number(exit[1]) : undefined,
    lastLines,
    hint: lastLines.some((line) => foreignProgram.test(line)) ? emulatorHint : undefined,
  };
}
