/**
 * Parse time of a generated 10,000-line Buildfile (goal: under 100 ms after warm-up).
 * Run: npx tsx bench/parse.ts [lines]
 */
import { parseBuildfile } from "../src/parser/index.js";

/** A realistic Buildfile of about `lines` lines: targets with flags, continuations, blocks, docs. */
export function generateBuildfile(lines: number): string {
  const out = ["VERSION 0.8", "FROM busybox:1.36", "ARG --global REGISTRY=registry.local:5000", ""];
  for (let i = 0; out.length < lines; i++) {
    out.push(
      `# build-${i} compiles component ${i}.`,
      `build-${i}:`,
      `    FROM +deps`,
      `    ARG VERSION=dev`,
      `    COPY --dir src/${i} ./src`,
      `    RUN --mount=type=cache,target=/root/.cache \\`,
      `        make -C src VERSION="$VERSION" component-${i} # trailing comment`,
      `    IF [ -f src/extra-${i} ]`,
      `        RUN echo "extra $(cat src/extra-${i})"`,
      `    END`,
      `    ENV COMPONENT=${i} MODE="release build"`,
      `    SAVE ARTIFACT --keep-ts out/${i} AS LOCAL dist/${i}`,
      `    BUILD --platform=linux/amd64 +test-${i} --COUNT=${i}`,
      "",
    );
  }
  return out.slice(0, lines).join("\n") + "\n";
}

const lines = Number(process.argv[2] ?? 10_000);
const text = generateBuildfile(lines);
const check = parseBuildfile(text, "Buildfile");
if (check.problems.length > 0) throw new Error(`the generated Buildfile has problems: ${check.problems[0]!.message}`);

for (let i = 0; i < 20; i++) parseBuildfile(text, "Buildfile"); // warm-up
const times: number[] = [];
const cpu: number[] = [];
for (let i = 0; i < 20; i++) {
  const start = performance.now();
  const startCpu = process.cpuUsage();
  parseBuildfile(text, "Buildfile");
  const used = process.cpuUsage(startCpu);
  times.push(performance.now() - start);
  cpu.push((used.user + used.system) / 1000);
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const wall = median(times);
// CPU time is printed too: on a busy machine wall time measures the neighbours as much as the parser.
console.log(
  `parse ${lines} lines: median ${wall.toFixed(1)} ms wall (best ${Math.min(...times).toFixed(1)} ms), ` +
    `${median(cpu).toFixed(1)} ms CPU, ${Math.round(lines / (wall / 1000)).toLocaleString("en-US")} lines/s`,
);
