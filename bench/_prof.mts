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
const N = Number(process.env.N ?? 30);
const times: number[] = [];
for (let i = 0; i < N; i++) {
  const parsed = parseForPlanning(text, "/bench/Buildfile");
  if (process.env.MARK) console.log("--- plan start");
  const c = performance.now();
  await plan({ entry, platform: "linux/amd64", reader, parse: () => parsed });
  const d = performance.now() - c;
  times.push(d);
  if (process.env.MARK) console.log("--- plan end");
}
times.sort((a, b) => a - b);
console.log("plan cpu min", times[0].toFixed(1), "median", times[Math.floor(N / 2)].toFixed(1));
