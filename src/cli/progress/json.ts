/**
 * `--progress json`: one JSON object per line, for tools that read ebuild's progress. The field
 * names are stable; new fields may be added, existing ones keep their meaning.
 *
 * - `{"type":"phase","name":"build"}`
 * - `{"type":"vertex","target":"+build","command":"RUN make","digest":"sha256:…","status":S,
 *    "position":"Buildfile:12:5"?,"durationMs":N?,"error":"…"?}` where S is `started`, `cached`,
 *    `completed`, `failed` or `cancelled`
 * - `{"type":"log","target":…,"command":…,"digest":…,"stream":"stdout"|"stderr"|"fdN","line":"…"}`
 *    (one per line of output, redacted, without its newline)
 * - `{"type":"warning","target":…,"command":…,"digest":…,"message":"…","detail":[…],"url":"…"?}`
 * - `{"type":"summary","images":[{"name","digest"?,"pushed","note"?}],"artifacts":["path"],
 *    "skipped":[{"action","reason"}],"durationMs":N,"cachedSteps":N,"totalSteps":N}`
 * - `{"type":"failure","message":"…","kind":"build",…,"target"?,"command"?,"position"?,
 *    "exitCode"?,"lastLines":[…],"hint"?}` (hint: what to do about a cause the output shows)
 *
 * Counters (bytes transferred) are not emitted. Every string is redacted.
 */
import { describeFailure } from "./failure.js";
import { formatPosition } from "./format.js";
import type { Redactor } from "./redact.js";
import { StepBook, type Step, type StepEvent } from "./steps.js";
import type { BuildRenderer, BuildResult, OutputStream, SolveProgress, SolveTag } from "./types.js";

export interface JsonRendererOptions {
  out: OutputStream;
  redactor: Redactor;
  now?: (() => number) | undefined;
}

export class JsonRenderer implements BuildRenderer {
  private readonly book: StepBook;
  private readonly now: () => number;
  private readonly began: number;

  constructor(private readonly options: JsonRendererOptions) {
    this.book = new StepBook(options.redactor);
    this.now = options.now ?? Date.now;
    this.began = this.now();
  }

  solve(tag: SolveTag): SolveProgress {
    const id = this.book.open(tag);
    return {
      onProgress: (event) => this.emit(this.book.events(id, event).flatMap((e) => this.objectOf(e))),
      done: () => this.emit(this.book.close(id).flatMap((e) => this.objectOf(e))),
    };
  }

  phase(name: string): void {
    this.emit([{ type: "phase", name }]);
  }

  summary(result: BuildResult): void {
    const { cached, total } = this.book.cacheHits();
    this.emit([
      {
        type: "summary",
        images: (result.images ?? []).map((i) => ({ name: i.name, ...(i.digest ? { digest: i.digest } : {}), pushed: i.pushed === true, ...(i.note ? { note: i.note } : {}) })),
        artifacts: (result.artifacts ?? []).map((a) => a.path),
        skipped: (result.skipped ?? []).map((s) => ({ action: s.action, reason: s.reason })),
        durationMs: result.durationMs ?? this.now() - this.began,
        cachedSteps: cached,
        totalSteps: total,
      },
    ]);
  }

  failure(error: unknown): void {
    const view = describeFailure(error, this.book, this.options.redactor);
    this.emit([
      {
        type: "failure",
        message: view.message,
        kind: view.kind,
        ...(view.target !== undefined ? { target: view.target } : {}),
        ...(view.command !== undefined ? { command: view.command } : {}),
        ...(view.at ? { position: formatPosition(view.at) } : {}),
        ...(view.exitCode !== undefined ? { exitCode: view.exitCode } : {}),
        lastLines: view.lastLines,
        ...(view.hint ? { hint: view.hint } : {}),
      },
    ]);
  }

  redact(text: string): string {
    return this.options.redactor.redact(text);
  }

  close(): void {}

  private objectOf(event: StepEvent): object[] {
    const step = stepFields(event.step);
    switch (event.type) {
      case "started":
      case "cached":
        return [{ type: "vertex", ...step, status: event.type }];
      case "completed":
        return [{ type: "vertex", ...step, status: "completed", ...duration(event.durationMs) }];
      case "failed":
        return [{ type: "vertex", ...step, status: event.cancelled ? "cancelled" : "failed", ...duration(event.durationMs), error: event.error }];
      case "log":
        return [{ type: "log", ...step, stream: event.stream, line: event.line }];
      case "warning":
        return [{ type: "warning", ...step, message: event.message, detail: event.detail, ...(event.url ? { url: event.url } : {}) }];
      case "counter":
        return [];
    }
  }

  private emit(objects: object[]): void {
    if (objects.length === 0) return;
    // Strings are redacted before encoding: JSON escapes would hide a secret with a quote in it.
    const redacted = (_key: string, value: unknown) => (typeof value === "string" ? this.redact(value) : value);
    this.options.out.write(objects.map((o) => `${JSON.stringify(o, redacted)}\n`).join(""));
  }
}

function stepFields(step: Step): object {
  return { target: step.target, command: step.command, digest: step.digest, ...(step.at ? { position: formatPosition(step.at) } : {}) };
}

function duration(ms: number | undefined): object {
  return ms === undefined ? {} : { durationMs: ms };
}
