import v8 from "node:v8";
import { plan, MemorySourceReader, parseForPlanning } from "../src/planner/index.js";
const count = 2000;
function generate(targets: number): string {
  const lines = ["VERSION 0.8", "", "all:"];
  for (let i = 0; i < targets; i++) lines.push(`    BUILD +t${i}`);
  lines.push("", "deps:", "    FROM ebuild-fixture/busybox:latest", "    WORKDIR /src", "    RUN echo deps > /deps", "");
  for (let i = 0; i < targets; i++) {
    const from = i % 10 === 0 ? "+deps" : `+t${i - 1}`;
    lines.push(`t${i}:`, `    FROM ${from}`, `    ARG VERSION=${i}`, `    COPY src/file${i % 50}.txt ./`,
      ...(i % 10 === 0 ? [] : [`    COPY +t${i - 1}/out${i - 1} ./in`]),
      `    ENV TARGET=t${i}`, `    RUN echo "$VERSION" > /out${i}`, `    SAVE ARTIFACT /out${i}`, `    SAVE IMAGE ebuild-bench/t${i}:$VERSION`, "");
  }
  return lines.join("\n");
}
const text = generate(count);
const reader = new MemorySourceReader({ "/bench/Buildfile": text });
const entry = { directory: "/bench", name: "all" };
const parsed = parseForPlanning(text, "/bench/Buildfile");
const before = v8.writeHeapSnapshot("/tmp/prof/before.heapsnapshot");
const kept = await plan({ entry, platform: "linux/amd64", reader, parse: () => parsed });
v8.writeHeapSnapshot("/tmp/prof/after.heapsnapshot");
console.log(kept.plan.outputs.length, before);
