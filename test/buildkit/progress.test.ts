import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { create, fromJson } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { ProgressDecoder, type ProgressEvent } from "../../src/buildkit/progress.js";
import { StatusResponseSchema } from "../../src/gen/moby/buildkit/v1/control_pb.js";

/** Status streams recorded from real builds (see fixtures/record-status.ts). */
function decodeFixture(name: string): ProgressEvent[] {
  const responses = JSON.parse(readFileSync(new URL(`fixtures/${name}`, import.meta.url), "utf8")) as unknown[];
  const decoder = new ProgressDecoder();
  return responses.flatMap((json) => decoder.decode(fromJson(StatusResponseSchema, json as never)));
}

/** One line per event, in the words a progress display would use. */
function summary(events: ProgressEvent[]): string[] {
  return events.map((e) => {
    switch (e.type) {
      case "log":
        return `log ${e.stream} ${e.vertex.name}: ${new TextDecoder().decode(e.data).trim()}`;
      case "vertex-errored":
        return `errored${e.cancelled ? " (cancelled)" : ""} ${e.vertex.name}`;
      default:
        return `${e.type.replace("vertex-", "")} ${e.vertex.name}`;
    }
  });
}

const image = "docker-image://docker.io/ebuild-fixture/busybox:latest";
const recorded: Array<{ fixture: string; expect: string[] }> = [
  {
    fixture: "status-run-ok.json",
    expect: [
      `started ${image}`,
      `completed ${image}`,
      `cached ${image}`,
      "started RUN echo hello; echo oops >&2",
      "log stdout RUN echo hello; echo oops >&2: hello",
      "log stderr RUN echo hello; echo oops >&2: oops",
      "completed RUN echo hello; echo oops >&2",
    ],
  },
  {
    fixture: "status-run-fails.json",
    expect: [`started ${image}`, `completed ${image}`, `cached ${image}`, "started RUN echo before; exit 3", "log stdout RUN echo before; exit 3: before", "errored RUN echo before; exit 3"],
  },
  {
    fixture: "status-run-cancelled.json",
    expect: [
      `started ${image}`,
      `completed ${image}`,
      `cached ${image}`,
      "started RUN echo waiting; sleep 30",
      "log stdout RUN echo waiting; sleep 30: waiting",
      "errored (cancelled) RUN echo waiting; sleep 30",
    ],
  },
];

for (const { fixture, expect } of recorded) {
  test(`progress of a real build (${fixture}) reads as a user would expect`, () => {
    assert.deepEqual(summary(decodeFixture(fixture)), expect);
  });
}

test("a failed step carries the daemon's error text and its start time", () => {
  const errored = decodeFixture("status-run-fails.json").find((e) => e.type === "vertex-errored");
  assert.ok(errored?.type === "vertex-errored");
  assert.match(errored.error, /exit code: 3/);
  assert.ok(errored.startedAt && errored.at && errored.at >= errored.startedAt);
});

test("a vertex repeated with unchanged fields adds no events", () => {
  const decoder = new ProgressDecoder();
  const vertex = { digest: "sha256:a", name: "RUN true", started: timestampFromMs(1000) };
  assert.equal(decoder.decode(create(StatusResponseSchema, { vertexes: [vertex] })).length, 1);
  assert.equal(decoder.decode(create(StatusResponseSchema, { vertexes: [vertex] })).length, 0);
});

test("counters, logs on other streams and warnings are decoded with their vertex", () => {
  const decoder = new ProgressDecoder();
  const events = decoder.decode(
    create(StatusResponseSchema, {
      vertexes: [{ digest: "sha256:b", name: "COPY src", progressGroup: { id: "t1", name: "+build" } }],
      statuses: [{ id: "transferring", vertex: "sha256:b", name: "transferring context", current: 512n, total: 1024n }],
      logs: [{ vertex: "sha256:b", stream: 3n, msg: new TextEncoder().encode("x") }],
      warnings: [
        {
          vertex: "sha256:b",
          level: 1n,
          short: new TextEncoder().encode("FROM uses a mutable tag"),
          detail: [new TextEncoder().encode("pin a digest")],
          info: { filename: "Buildfile" },
          ranges: [{ start: { line: 3, character: 1 }, end: { line: 3, character: 12 } }],
        },
      ],
    }),
  );
  assert.deepEqual(
    events.map((e) => e.type),
    ["vertex-progress", "log", "warning"],
  );
  const [counter, log, warning] = events;
  assert.ok(counter?.type === "vertex-progress" && counter.current === 512 && counter.total === 1024 && !counter.completed);
  assert.equal(counter.vertex.name, "COPY src");
  assert.deepEqual(counter.vertex.group, { id: "t1", name: "+build" });
  assert.ok(log?.type === "log" && log.stream === "fd3");
  assert.ok(warning?.type === "warning");
  assert.equal(warning.message, "FROM uses a mutable tag");
  assert.deepEqual(warning.detail, ["pin a digest"]);
  assert.deepEqual(warning.source, { filename: "Buildfile", ranges: [{ start: { line: 3, character: 1 }, end: { line: 3, character: 12 } }] });
});

test("a log for a vertex not announced yet is named by its digest", () => {
  const [event] = new ProgressDecoder().decode(create(StatusResponseSchema, { logs: [{ vertex: "sha256:c", stream: 2n, msg: new Uint8Array([65]) }] }));
  assert.ok(event?.type === "log" && event.stream === "stderr");
  assert.equal(event.vertex.name, "sha256:c");
});
