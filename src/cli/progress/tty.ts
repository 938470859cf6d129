/**
 * Tty mode: a live view of the running steps with their elapsed time, redrawn in place a few
 * times a second, below the log of what finished. A running step's output is held back and
 * printed as one block when the step ends, so concurrent steps do not interleave; a step that
 * prints more than `heldLinesMax` lines streams the rest directly (memory stays bounded).
 */
import { formatBytes, formatDuration } from "./format.js";
import type { Step, StepEvent } from "./steps.js";
import { oneLine, TextRenderer, type TextRendererOptions } from "./text.js";

export interface TtyRendererOptions extends TextRendererOptions {
  /** Milliseconds between redraws of the live view (default 150); 0 redraws only on events. */
  refreshMs?: number | undefined;
}

/** Lines of output held per running step before it starts streaming. */
export const heldLinesMax = 200;
/** Running steps listed in the live view; the rest are counted. */
export const liveStepsMax = 12;

interface Running {
  step: Step;
  seenAt: number;
  held: string[];
  streaming: boolean;
  counter: string | undefined;
}

// Cursor to the start of the line n lines up, and clear to the end of the screen.
const up = (n: number) => `\x1b[${n}F`;
const clearBelow = "\x1b[J";

export class TtyRenderer extends TextRenderer {
  private readonly running = new Map<string, Running>();
  private liveHeight = 0;
  private drawn = "";
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly tty: TtyRendererOptions) {
    super(tty);
  }

  override close(): void {
    super.close();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    // Whatever still runs is shown once more, as plain lines, and the live view ends.
    const rest = [...this.running.values()].flatMap((r) => this.release(r));
    this.running.clear();
    this.frame(rest);
    this.closed = true;
  }

  /** Redraws the live view (the timer calls this; tests call it with their own clock). */
  redraw(): void {
    if (!this.closed) this.frame([]);
  }

  protected show(events: StepEvent[]): void {
    const lines: string[] = [];
    for (const event of events) {
      const running = this.running.get(event.step.digest);
      switch (event.type) {
        case "started":
          this.running.set(event.step.digest, { step: event.step, seenAt: this.now(), held: [], streaming: false, counter: undefined });
          this.startTimer();
          break;
        case "log":
          if (running && !running.streaming) {
            running.held.push(this.lineOf(event)!);
            if (running.held.length > heldLinesMax) lines.push(...this.release(running));
          } else {
            lines.push(this.lineOf(event)!);
          }
          break;
        case "counter":
          if (running) running.counter = event.completed ? undefined : counterText(event.name, event.current, event.total);
          break;
        case "completed":
        case "failed": {
          if (running) {
            lines.push(...this.release(running, event.durationMs));
            this.running.delete(event.step.digest);
          }
          const line = this.lineOf(event);
          if (line !== undefined) lines.push(line);
          break;
        }
        default: {
          const line = this.lineOf(event);
          if (line !== undefined) lines.push(line);
        }
      }
    }
    this.frame(lines);
  }

  protected print(lines: string[]): void {
    this.frame(lines);
  }

  /** A running step's header (once) and held lines; from then on its output streams. */
  private release(running: Running, durationMs?: number): string[] {
    const lines: string[] = [];
    if (!running.streaming) {
      const took = durationMs !== undefined ? ` ${this.chalk.dim(formatDuration(durationMs))}` : "";
      lines.push(`${this.prefix(running.step.target)}--> ${oneLine(running.step.command)}${took}`);
      running.streaming = true;
    }
    lines.push(...running.held);
    running.held = [];
    return lines;
  }

  /** One write: erase the live view, print `lines` above it, draw it again. */
  private frame(lines: string[]): void {
    if (this.closed) return;
    const live = this.liveView();
    const drawn = live.join("\n");
    // Events that change nothing visible (a held log line, a counter) cost no output.
    if (lines.length === 0 && drawn === this.drawn) return;
    this.drawn = drawn;
    const erase = this.liveHeight > 0 ? `${up(this.liveHeight)}${clearBelow}` : "";
    const text = [...lines, ...live].map((line) => `${this.redact(line)}\n`).join("");
    this.options.out.write(erase + text);
    this.liveHeight = live.length;
  }

  private liveView(): string[] {
    const now = this.now();
    const columns = Math.max(40, this.options.out.columns ?? 80);
    const steps = [...this.running.values()];
    const lines = steps.slice(0, liveStepsMax).map((r) => {
      const elapsed = formatDuration(now - r.seenAt);
      const extra = r.counter ? `  ${r.counter}` : "";
      const prefixWidth = (this.options.prefixWidth ?? 20) + 3;
      // Lines must not wrap, or erasing the live view would miss a line.
      const room = columns - 1 - prefixWidth - elapsed.length - 1 - extra.length;
      // Redacted before it is cut: a cut secret would no longer match.
      return `${this.prefix(r.step.target)}${truncate(this.redact(r.step.command), room)} ${this.chalk.dim(elapsed)}${this.chalk.dim(extra)}`;
    });
    if (steps.length > liveStepsMax) lines.push(this.chalk.dim(`… and ${steps.length - liveStepsMax} more running`));
    return lines;
  }

  private startTimer(): void {
    const every = this.tty.refreshMs ?? 150;
    if (this.timer || every <= 0) return;
    this.timer = setInterval(() => this.redraw(), every);
    this.timer.unref();
  }
}

function truncate(text: string, room: number): string {
  const line = oneLine(text);
  if (room <= 1) return "…";
  return line.length <= room ? line : `${line.slice(0, room - 1)}…`;
}

function counterText(name: string, current: number, total: number): string {
  const amount = total > 0 ? `${formatBytes(current)} / ${formatBytes(total)}` : current > 0 ? formatBytes(current) : "";
  return [name, amount].filter(Boolean).join(" ");
}
