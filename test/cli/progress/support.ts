/** Helpers for the progress tests: recorded Status streams as events, an output that collects lines. */
import { readFileSync } from "node:fs";
import { create, fromJson, toBinary } from "@bufbuild/protobuf";
import { BuildFailedError } from "../../../src/buildkit/build-failure.js";
import { GrpcError } from "../../../src/buildkit/grpc/status.js";
import { ProgressDecoder, type ProgressEvent } from "../../../src/buildkit/progress.js";
import { StatusResponseSchema } from "../../../src/gen/moby/buildkit/v1/control_pb.js";
import { ErrorStatusSchema } from "../../../src/gen/moby/buildkit/v1/errors_pb.js";

/** The events of a Status stream recorded from a real build (test/buildkit/fixtures). */
export function recorded(name: string): ProgressEvent[] {
  const url = new URL(`../../buildkit/fixtures/${name}`, import.meta.url);
  const responses = JSON.parse(readFileSync(url, "utf8")) as unknown[];
  const decoder = new ProgressDecoder();
  return responses.flatMap((json) => decoder.decode(fromJson(StatusResponseSchema, json as never)));
}

/** The digest of the first vertex in `events` named `name`. */
export function digestOf(events: ProgressEvent[], name: string): string {
  const event = events.find((e) => e.vertex.name === name);
  if (!event) throw new Error(`no vertex ${name}`);
  return event.vertex.digest;
}

/** An output stream that keeps what was written. */
export class Collected {
  text = "";
  isTTY: boolean;
  columns: number;
  constructor(options: { isTTY?: boolean; columns?: number } = {}) {
    this.isTTY = options.isTTY ?? false;
    this.columns = options.columns ?? 80;
  }
  write(text: string): boolean {
    this.text += text;
    return true;
  }
  get lines(): string[] {
    return this.text === "" ? [] : this.text.replace(/\n$/, "").split("\n");
  }
}

const encoder = new TextEncoder();
const t0 = Date.UTC(2026, 10, 23, 9, 0, 0);

/** Synthetic events for one vertex, for sequences no recording has. */
export function vertex(digest: string, name: string) {
  const ref = { digest, name };
  return {
    started: (ms = 0): ProgressEvent => ({ type: "vertex-started", vertex: ref, inputs: [], at: new Date(t0 + ms) }),
    cached: (): ProgressEvent => ({ type: "vertex-cached", vertex: ref, at: new Date(t0) }),
    completed: (ms = 1000): ProgressEvent => ({ type: "vertex-completed", vertex: ref, startedAt: new Date(t0), at: new Date(t0 + ms) }),
    errored: (error: string, cancelled = false): ProgressEvent => ({
      type: "vertex-errored",
      vertex: ref,
      error,
      cancelled,
      startedAt: new Date(t0),
      at: new Date(t0 + 2000),
    }),
    log: (data: string | Uint8Array, stream: "stdout" | "stderr" = "stdout"): ProgressEvent => ({
      type: "log",
      vertex: ref,
      stream,
      data: typeof data === "string" ? encoder.encode(data) : data,
      at: new Date(t0),
    }),
  };
}

/** The error runBuild throws when a step fails, with the daemon's details (failing vertex, source). */
export function buildFailed(message: string, digest: string, source?: { file: string; line: number; character: number }): BuildFailedError {
  const json = (value: unknown) => encoder.encode(JSON.stringify(value));
  const details = [{ typeUrl: "github.com/moby/buildkit/errdefs.Vertex+json", value: json({ digest }) }];
  if (source) {
    details.push({
      typeUrl: "github.com/moby/buildkit/errdefs.Source+json",
      value: json({ info: { filename: source.file }, ranges: [{ start: { line: source.line, character: source.character } }] }),
    });
  }
  const status = toBinary(ErrorStatusSchema, create(ErrorStatusSchema, { code: 2, message, details }));
  return new BuildFailedError(new GrpcError(2, message, "/moby.buildkit.v1.Control/Solve", { details: status }));
}


/** The screen after `text`: a small terminal that knows newlines, cursor-up-to-column-0 and erase-below. */
export function screen(text: string): string[] {
  const rows: string[] = [];
  let row = 0;
  for (const [token, up] of text.matchAll(/\x1b\[(\d+)F|\x1b\[J|\n|[^\x1b\n]+/g)) {
    if (up !== undefined) row = Math.max(0, row - Number(up));
    else if (token === "\x1b[J") rows.length = row;
    else if (token === "\n") rows[row++] ??= "";
    else rows[row] = (rows[row] ?? "") + token;
  }
  return rows;
}
