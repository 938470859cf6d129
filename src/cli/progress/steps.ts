/**
 * The bookkeeping every progress mode shares: which step a vertex is (target, command, position),
 * its state across concurrent Solves, its output as redacted lines, the last lines of each step
 * (for the failure view) and the cache hit count (for the summary). Modes only decide how the
 * resulting StepEvents look.
 */
import type { LogStream, ProgressEvent, VertexRef } from "../../buildkit/progress.js";
import type { SourcePosition } from "../../errors.js";
import { LogLines } from "./log-lines.js";
import { Redactor } from "./redact.js";
import type { SolveTag, StepInfo } from "./types.js";

/** A step as the display shows it. */
export interface Step {
  digest: string;
  target: string;
  command: string;
  at: SourcePosition | undefined;
  /** When the step started running (ms since the epoch), if it ran. */
  startedAt: number | undefined;
}

export type StepEvent =
  | { type: "started"; step: Step }
  | { type: "cached"; step: Step }
  | { type: "completed"; step: Step; durationMs: number | undefined }
  | { type: "failed"; step: Step; error: string; cancelled: boolean; durationMs: number | undefined }
  | { type: "log"; step: Step; stream: LogStream; line: string }
  | { type: "warning"; step: Step; message: string; detail: string[]; url: string | undefined }
  | { type: "counter"; step: Step; name: string; current: number; total: number; completed: boolean };

/** Lines of output kept per running step for the failure view. */
export const lastLinesKept = 20;

interface StepState {
  step: Step;
  /** The Solve whose stream reports this step; other Solves sharing the vertex stay quiet. */
  owner: number;
  status: "new" | "running" | "cached" | "completed" | "failed";
  streams: Map<LogStream, LogLines>;
  lastLines: string[];
}

const named = /^(\S*\+[A-Za-z0-9._-]+) (.+)$/s;

export class StepBook {
  private readonly steps = new Map<string, StepState>();
  private readonly tags = new Map<number, SolveTag>();
  private nextSolve = 0;

  constructor(readonly redactor: Redactor) {}

  /** Registers a Solve; its events are passed to `events` with the returned id. */
  open(tag: SolveTag): number {
    const id = this.nextSolve++;
    this.tags.set(id, tag);
    return id;
  }

  /** The StepEvents one ProgressEvent of Solve `solve` causes. */
  events(solve: number, event: ProgressEvent): StepEvent[] {
    const state = this.stateOf(solve, event.vertex);
    if (state.owner !== solve) return [];
    const step = state.step;
    switch (event.type) {
      case "vertex-started":
        if (state.status !== "new") return [];
        state.status = "running";
        step.startedAt = event.at.getTime();
        return [{ type: "started", step }];
      case "vertex-cached": {
        const shown = state.status === "completed";
        if (state.status === "cached") return [];
        state.status = "cached";
        // The daemon may mark a step cached after reporting it done (a base image it already
        // had): it counts as a cache hit, but its line is already printed.
        if (shown) return [];
        return [...this.flush(state), { type: "cached", step }];
      }
      case "vertex-completed": {
        if (state.status === "completed" || state.status === "cached") return [];
        state.status = "completed";
        const events = this.flush(state);
        // Only a failed step's last lines are shown again: a finished one lets them go.
        state.lastLines = [];
        return [...events, { type: "completed", step, durationMs: since(step.startedAt, event.at) }];
      }
      case "vertex-errored":
        if (state.status === "failed") return [];
        state.status = "failed";
        return [
          ...this.flush(state),
          { type: "failed", step, error: this.redactor.redact(event.error), cancelled: event.cancelled, durationMs: since(step.startedAt, event.at) },
        ];
      case "vertex-progress":
        return [{ type: "counter", step, name: event.name, current: event.current, total: event.total, completed: event.completed }];
      case "log": {
        let lines = state.streams.get(event.stream);
        if (!lines) state.streams.set(event.stream, (lines = new LogLines(this.redactor)));
        return this.logged(state, event.stream, lines.push(event.data));
      }
      case "warning":
        return [
          {
            type: "warning",
            step,
            message: this.redactor.redact(event.message),
            detail: event.detail.map((d) => this.redactor.redact(d)),
            url: event.url,
          },
        ];
    }
  }

  /** The Solve ended: the partial lines of its steps. */
  close(solve: number): StepEvent[] {
    const events: StepEvent[] = [];
    for (const state of this.steps.values()) if (state.owner === solve) events.push(...this.flush(state));
    return events;
  }

  /** A step by vertex digest, if any Solve reported it or a lookup knows it. */
  find(digest: string): { step: Step; lastLines: string[] } | undefined {
    const state = this.steps.get(digest);
    if (state) return { step: state.step, lastLines: state.lastLines };
    for (const tag of this.tags.values()) {
      const info = tag.lookup?.(digest);
      if (info) return { step: stepOf(digest, info), lastLines: [] };
    }
    return undefined;
  }

  /** The step that failed most recently, when the error does not name one. */
  lastFailed(): { step: Step; lastLines: string[] } | undefined {
    let found: StepState | undefined;
    for (const state of this.steps.values()) if (state.status === "failed") found = state;
    return found && { step: found.step, lastLines: found.lastLines };
  }

  /** Cache hits: steps served from the cache, and all steps that finished. */
  cacheHits(): { cached: number; total: number } {
    let cached = 0;
    let total = 0;
    for (const state of this.steps.values()) {
      if (state.status === "cached") cached++;
      if (state.status !== "new" && state.status !== "running") total++;
    }
    return { cached, total };
  }

  private logged(state: StepState, stream: LogStream, lines: string[]): StepEvent[] {
    for (const line of lines) state.lastLines.push(line);
    if (state.lastLines.length > lastLinesKept) state.lastLines.splice(0, state.lastLines.length - lastLinesKept);
    return lines.map((line) => ({ type: "log", step: state.step, stream, line }));
  }

  private flush(state: StepState): StepEvent[] {
    const events: StepEvent[] = [];
    for (const [stream, lines] of state.streams) events.push(...this.logged(state, stream, lines.end()));
    state.streams.clear();
    return events;
  }

  private stateOf(solve: number, vertex: VertexRef): StepState {
    let state = this.steps.get(vertex.digest);
    if (!state) {
      const tag = this.tags.get(solve);
      const info = tag?.lookup?.(vertex.digest) ?? fromName(vertex.name, tag?.target ?? "");
      state = { step: stepOf(vertex.digest, info), owner: solve, status: "new", streams: new Map(), lastLines: [] };
      this.steps.set(vertex.digest, state);
    } else if (state.step.command === state.step.digest && vertex.name !== vertex.digest) {
      // A log can arrive before its vertex: name the step once the vertex is known.
      const info = this.tags.get(state.owner)?.lookup?.(vertex.digest) ?? fromName(vertex.name, state.step.target);
      state.step.target = info.target;
      state.step.command = info.command;
      state.step.at = info.at;
    }
    return state;
  }
}

/** A vertex the lookup does not know: `+target COMMAND` as the planner names ops, else the raw name. */
function fromName(name: string, target: string): StepInfo {
  const match = named.exec(name);
  return match ? { target: match[1]!, command: match[2]! } : { target, command: name };
}

function stepOf(digest: string, info: StepInfo): Step {
  return { digest, target: info.target, command: info.command, at: info.at, startedAt: undefined };
}

function since(startedAt: number | undefined, at: Date | undefined): number | undefined {
  return startedAt === undefined || at === undefined ? undefined : Math.max(0, at.getTime() - startedAt);
}
