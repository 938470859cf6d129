/**
 * What plain and tty modes share: a step's lines prefixed by its target in the target's colour
 * (`      +build | --> RUN make`), the closing summary, the failure view and the GitHub Actions
 * workflow commands. Every line leaves through `write`, which redacts it.
 */
import type { ChalkInstance } from "chalk";
import { targetColour } from "./colour.js";
import { describeFailure, type FailureView } from "./failure.js";
import { alignTarget, formatDuration, formatPosition } from "./format.js";
import { errorAnnotation, groupEnd, groupStart } from "./github.js";
import type { Redactor } from "./redact.js";
import { StepBook, type StepEvent } from "./steps.js";
import type { BuildRenderer, BuildResult, OutputStream, SolveProgress, SolveTag } from "./types.js";

export interface TextRendererOptions {
  out: OutputStream;
  redactor: Redactor;
  chalk: ChalkInstance;
  /** Emit GitHub Actions log groups and error annotations. */
  github?: boolean | undefined;
  /** The width of the target column (default 20). */
  prefixWidth?: number | undefined;
  /** The clock, in ms since the epoch (tests pass a fixed one). */
  now?: (() => number) | undefined;
}

/** Lines of the failing step's output the failure view repeats. */
export const failureLines = 10;

export abstract class TextRenderer implements BuildRenderer {
  protected readonly book: StepBook;
  protected readonly chalk: ChalkInstance;
  protected readonly now: () => number;
  private readonly began: number;
  private readonly width: number;
  private groupOpen = false;

  constructor(protected readonly options: TextRendererOptions) {
    this.book = new StepBook(options.redactor);
    this.chalk = options.chalk;
    this.now = options.now ?? Date.now;
    this.began = this.now();
    this.width = options.prefixWidth ?? 20;
  }

  solve(tag: SolveTag): SolveProgress {
    const id = this.book.open(tag);
    return {
      onProgress: (event) => this.show(this.book.events(id, event)),
      done: () => this.show(this.book.close(id)),
    };
  }

  phase(name: string): void {
    if (!this.options.github) return;
    const lines = this.groupOpen ? [groupEnd, groupStart(name)] : [groupStart(name)];
    this.groupOpen = true;
    this.print(lines);
  }

  summary(result: BuildResult): void {
    this.endGroup();
    const c = this.chalk;
    const lines = [""];
    const label = (text: string) => c.bold(text.padEnd(13));
    for (const image of result.images ?? []) {
      lines.push(`${label(image.pushed ? "pushed image" : "saved image")}${image.name}${image.note ? ` (${image.note})` : ""}${image.digest ? `  ${c.dim(image.digest)}` : ""}`);
    }
    for (const artifact of result.artifacts ?? []) lines.push(`${label("artifact")}${artifact.path}`);
    for (const skipped of result.skipped ?? []) lines.push(`${label("not done")}${skipped.action}: ${c.dim(skipped.reason)}`);
    const { cached, total } = this.book.cacheHits();
    const took = formatDuration(result.durationMs ?? this.now() - this.began);
    lines.push(c.green(`Built in ${took}; ${cached} of ${total} steps cached`));
    this.print(lines);
  }

  failure(error: unknown): void {
    this.endGroup();
    const view = describeFailure(error, this.book, this.options.redactor);
    const lines = this.failureView(view);
    if (this.options.github && (view.at || view.target)) lines.push(errorAnnotation(view));
    if (lines.length > 0) this.print(lines);
  }

  redact(text: string): string {
    return this.options.redactor.redact(text);
  }

  close(): void {
    this.endGroup();
  }

  /** Shows what the step events say; tty mode holds some back for its live view. */
  protected abstract show(events: StepEvent[]): void;

  /** Prints whole lines (above the live view, if any). */
  protected abstract print(lines: string[]): void;

  /** Writes lines to the output, each one redacted. */
  protected write(lines: string[]): void {
    if (lines.length === 0) return;
    this.options.out.write(lines.map((line) => `${this.redact(line)}\n`).join(""));
  }

  /** `      +build | ` in the target's colour. */
  protected prefix(target: string): string {
    return `${this.chalk[targetColour(target)](alignTarget(target, this.width))} | `;
  }

  /** The lines a step event prints in the log (undefined: nothing). */
  protected lineOf(event: StepEvent): string | undefined {
    const c = this.chalk;
    const p = this.prefix(event.step.target);
    const command = oneLine(event.step.command);
    switch (event.type) {
      case "started":
        return `${p}--> ${command}`;
      case "cached":
        return `${p}${c.cyan("*cached*")} --> ${command}`;
      case "failed":
        return event.cancelled ? `${p}${c.yellow("*cancelled*")} --> ${command}` : `${p}${c.red(`ERROR ${oneLine(event.error)}`)}`;
      case "log":
        return `${p}${event.line}`;
      case "warning":
        return `${p}${c.yellow(`WARNING: ${oneLine([event.message, ...event.detail].join(" "))}`)}${event.url ? ` (${event.url})` : ""}`;
      case "completed":
      case "counter":
        return undefined;
    }
  }

  private failureView(view: FailureView): string[] {
    if (view.target === undefined && view.command === undefined) return [];
    const c = this.chalk;
    const lines = ["", c.red.bold(`ERROR ${view.target ?? ""} failed${view.at ? ` at ${formatPosition(view.at)}` : ""}`)];
    if (view.command) lines.push(`  ${view.command}`);
    lines.push(view.exitCode !== undefined ? `  exit code ${view.exitCode}` : `  ${view.message}`);
    const last = view.lastLines.slice(-failureLines);
    if (last.length > 0) {
      lines.push(c.dim(`  last ${last.length === 1 ? "line" : `${last.length} lines`} of output:`));
      for (const line of last) lines.push(`    ${line}`);
    }
    if (view.hint) lines.push(`  hint: ${view.hint}`);
    return lines;
  }

  private endGroup(): void {
    if (!this.groupOpen) return;
    this.groupOpen = false;
    this.print([groupEnd]);
  }
}

/** A command or message on one line: a multi-line RUN must not break the target prefixes. */
export function oneLine(text: string): string {
  return text.replace(/\s*\r?\n\s*/g, " ");
}
