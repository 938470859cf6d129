/**
 * Decodes BuildKit's Status stream into typed progress events for the CLI to render. The daemon
 * sends snapshots: the same vertex arrives again each time one of its fields changes (started,
 * then completed, then perhaps cached), so the decoder remembers what it reported per vertex and
 * emits each transition once. Pure: no I/O, no printing.
 */
import { timestampDate, type Timestamp } from "@bufbuild/protobuf/wkt";
import type { StatusResponse } from "./client.js";

/** A build step as the daemon names it. */
export interface VertexRef {
  digest: string;
  /** e.g. "RUN make" or "[internal] load build context", from the op's description. */
  name: string;
  /** Steps the Buildfile groups together (e.g. one target), when the planner set a group. */
  group?: { id: string; name: string } | undefined;
}

export type LogStream = "stdout" | "stderr" | `fd${number}`;

export type ProgressEvent =
  | { type: "vertex-started"; vertex: VertexRef; inputs: string[]; at: Date }
  | { type: "vertex-cached"; vertex: VertexRef; at: Date | undefined }
  | { type: "vertex-completed"; vertex: VertexRef; startedAt: Date | undefined; at: Date }
  | {
      type: "vertex-errored";
      vertex: VertexRef;
      error: string;
      /** The step was stopped because the build was cancelled, not because it failed. */
      cancelled: boolean;
      startedAt: Date | undefined;
      at: Date | undefined;
    }
  | {
      /** A counter inside a step: bytes downloaded, files transferred, layers exported… */
      type: "vertex-progress";
      vertex: VertexRef;
      id: string;
      name: string;
      current: number;
      total: number;
      completed: boolean;
      at: Date | undefined;
    }
  | { type: "log"; vertex: VertexRef; stream: LogStream; data: Uint8Array; at: Date | undefined }
  | {
      type: "warning";
      vertex: VertexRef;
      level: number;
      message: string;
      detail: string[];
      url: string | undefined;
      source: { filename: string; ranges: Array<{ start: Position; end: Position }> } | undefined;
    };

export interface Position {
  line: number;
  character: number;
}

interface VertexState {
  ref: VertexRef;
  started?: number;
  completed?: number;
  cached?: boolean;
}

const decoder = new TextDecoder();

/** Turns StatusResponses into ProgressEvents; keep one decoder per build. */
export class ProgressDecoder {
  private readonly vertices = new Map<string, VertexState>();

  /** The events one StatusResponse adds, in the order vertexes, statuses, logs, warnings. */
  decode(response: StatusResponse): ProgressEvent[] {
    const events: ProgressEvent[] = [];
    for (const vertex of response.vertexes) {
      const state = this.stateOf(vertex.digest, vertex.name);
      if (vertex.progressGroup && vertex.progressGroup.id) state.ref.group = { id: vertex.progressGroup.id, name: vertex.progressGroup.name };
      const started = millis(vertex.started);
      const completed = millis(vertex.completed);
      if (started !== undefined && started !== state.started) {
        state.started = started;
        // A cached vertex is reported as cached, not as a step that ran.
        if (!vertex.cached) events.push({ type: "vertex-started", vertex: state.ref, inputs: [...vertex.inputs], at: new Date(started) });
      }
      if (vertex.cached && !state.cached) {
        state.cached = true;
        events.push({ type: "vertex-cached", vertex: state.ref, at: completed === undefined ? undefined : new Date(completed) });
        state.completed = completed;
        continue;
      }
      if (vertex.error && completed !== state.completed) {
        state.completed = completed;
        events.push({
          type: "vertex-errored",
          vertex: state.ref,
          error: vertex.error,
          cancelled: /context canceled/.test(vertex.error),
          startedAt: dateOf(state.started),
          at: dateOf(completed),
        });
        continue;
      }
      if (completed !== undefined && completed !== state.completed && !vertex.cached) {
        state.completed = completed;
        events.push({ type: "vertex-completed", vertex: state.ref, startedAt: dateOf(state.started), at: new Date(completed) });
      }
    }
    for (const status of response.statuses) {
      events.push({
        type: "vertex-progress",
        vertex: this.stateOf(status.vertex).ref,
        id: status.id,
        name: status.name,
        current: Number(status.current),
        total: Number(status.total),
        completed: status.completed !== undefined,
        at: status.timestamp ? timestampDate(status.timestamp) : undefined,
      });
    }
    for (const log of response.logs) {
      events.push({
        type: "log",
        vertex: this.stateOf(log.vertex).ref,
        stream: streamName(Number(log.stream)),
        data: log.msg,
        at: log.timestamp ? timestampDate(log.timestamp) : undefined,
      });
    }
    for (const warning of response.warnings) {
      events.push({
        type: "warning",
        vertex: this.stateOf(warning.vertex).ref,
        level: Number(warning.level),
        message: decoder.decode(warning.short),
        detail: warning.detail.map((d) => decoder.decode(d)),
        url: warning.url || undefined,
        source: warning.info
          ? {
              filename: warning.info.filename,
              ranges: warning.ranges.map((r) => ({ start: position(r.start), end: position(r.end) })),
            }
          : undefined,
      });
    }
    return events;
  }

  /** The vertices seen so far, by digest. */
  vertex(digest: string): VertexRef | undefined {
    return this.vertices.get(digest)?.ref;
  }

  private stateOf(digest: string, name?: string): VertexState {
    let state = this.vertices.get(digest);
    if (!state) {
      state = { ref: { digest, name: name ?? digest } };
      this.vertices.set(digest, state);
    } else if (name && state.ref.name !== name) {
      state.ref.name = name;
    }
    return state;
  }
}

/** Decodes a whole Status stream, e.g. `decodeProgress(client.status(ref))`. */
export async function* decodeProgress(responses: AsyncIterable<StatusResponse>): AsyncGenerator<ProgressEvent> {
  const progress = new ProgressDecoder();
  for await (const response of responses) yield* progress.decode(response);
}

function streamName(stream: number): LogStream {
  if (stream === 1) return "stdout";
  if (stream === 2) return "stderr";
  return `fd${stream}`;
}

function millis(timestamp: Timestamp | undefined): number | undefined {
  return timestamp ? timestampDate(timestamp).getTime() : undefined;
}

function dateOf(ms: number | undefined): Date | undefined {
  return ms === undefined ? undefined : new Date(ms);
}

function position(p: { line: number; character: number } | undefined): Position {
  return { line: p?.line ?? 0, character: p?.character ?? 0 };
}
