/**
 * Planning a generated Buildfile with 2,000 targets (goal: under 150 ms). The entry BUILDs every
 * target; each target starts FROM a shared base or a neighbour, declares an ARG, copies from the
 * context and from another target's artifacts, runs a command and saves an artifact and an image.
 * Parsing is measured apart from planning. Files come from memory, so no disk time is counted.
 * Run: node --import tsx bench/plan.ts [targets]
 */
import { plan, MemorySourceReader, parseForPlanning } from "../src/planner/index.js";
import { reachTargets } from "../src/planner/reach.js";

const count = Number(process.argv[2] ?? 2000);

function generate(targets: number): string {
  const lines = ["VERSION 0.8", "", "all:"];
  for (let i = 0; i < targets; i++) lines.push(`    BUILD +t${i}`);
  lines.push("", "deps:", "    FROM ebuild-fixture/busybox:latest", "    WORKDIR /src", "    RUN echo deps > /deps", "");
  for (let i = 0; i < targets; i++) {
    const from = i % 10 === 0 ? "+deps" : `+t${i - 1}`;
    lines.push(
      `t${i}:`,
      `    FROM ${from}`,
      `    ARG VERSION=${i}`,
      `    COPY src/file${i % 50}.txt ./`,
      ...(i % 10 === 0 ? [] : [`    COPY +t${i - 1}/out${i - 1} ./in`]),
      `    ENV TARGET=t${i}`,
      `    RUN echo "$VERSION" > /out${i}`,
      `    SAVE ARTIFACT /out${i}`,
      `    SAVE IMAGE ebuild-bench/t${i}:$VERSION`,
      "",
    );
  }
  return lines.join("\n");
}

const text = generate(count);
const reader = new MemorySourceReader({ "/bench/Buildfile": text });

async function once(): Promise<{ parse: number; walk: number; plan: number; marshal: number; outputs: number }> {
  const t0 = performance.now();
  const parsed = parseForPlanning(text, "/bench/Buildfile");
  const t1 = performance.now();
  // Both runs below reuse the parsed file, so they measure planning alone.
  const request = { entry: { directory: "/bench", name: "all" }, platform: "linux/amd64", reader, parse: () => parsed };
  await reachTargets(request);
  const t2 = performance.now();
  const result = await plan(request);
  const t3 = performance.now();
  // Definitions are marshalled when first read (as the executor does, one output at a time).
  let bytes = 0;
  for (const output of result.plan.outputs) bytes += output.definition.length;
  const t4 = performance.now();
  definitionBytes = bytes;
  return { parse: t1 - t0, walk: t2 - t1, plan: t3 - t2, marshal: t4 - t3, outputs: result.plan.outputs.length };
}

let definitionBytes = 0;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
await once(); // warm-up: JIT, Chevrotain's grammar recording
const runs = [];
for (let i = 0; i < 7; i++) runs.push(await once());
console.log(`targets ${count}, Buildfile ${(text.length / 1024).toFixed(0)} KiB, outputs ${runs[0]!.outputs}`);
console.log(`parse  median ${median(runs.map((r) => r.parse)).toFixed(1)} ms`);
console.log(`walk   median ${median(runs.map((r) => r.walk)).toFixed(1)} ms (targets, variables, effects, LLB states; no marshal)`);
console.log(`plan   median ${median(runs.map((r) => r.plan)).toFixed(1)} ms (walk, LLB, step digests; goal < 150 ms)`);
console.log(`read   median ${median(runs.map((r) => r.marshal)).toFixed(1)} ms (marshal every output's definition: ${(definitionBytes / 1048576).toFixed(0)} MiB)`);
