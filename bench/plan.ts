/**
 * Planning a generated Buildfile with 2,000 targets (goal: the plan under 150 ms). The entry BUILDs
 * every target; each target starts FROM a shared base or a neighbour, declares an ARG, copies from
 * the context and from another target's artifacts, runs a command and saves an artifact and an
 * image. Files come from memory, so no disk time is counted. Every timed step gets its own fresh
 * parse, so nothing cached on the syntax tree by one step (or round) helps the next, and each step
 * runs its own warm-up and rounds, so no step's garbage is collected during another's timing.
 *
 *   parse  the Buildfile's text to its syntax tree
 *   walk   reachTargets alone: targets, variables, effects, LLB states (no op is encoded)
 *   plan   plan(): the walk again, then every output's step digests (each op encoded and hashed
 *          once); definitions are not marshalled yet: goal < 150 ms
 *   total  plan() with the CLI's parse callback: read, parse and plan, as `ebuild plan` does
 *   read   marshalling every output's definition, as the executor reads them (one per output)
 *
 * The planner runs as `ebuild` runs it: bundled by esbuild (scripts/build.mjs bundles the CLI the
 * same way), not through tsx, whose transform adds a `__name` call to every function it creates
 * (a quarter more planning time). This script bundles itself into a temporary file and runs that;
 * `--source` runs the TypeScript sources through tsx instead.
 *
 * Run: node --import tsx bench/plan.ts [targets] [--source]
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { plan, MemorySourceReader, parseForPlanning } from "../src/planner/index.js";
import { reachTargets } from "../src/planner/reach.js";

const bundledFlag = "EBUILD_BENCH_BUNDLED";
const args = process.argv.slice(2).filter((a) => a !== "--source");
const count = Number(args[0] ?? 2000);

if (process.env[bundledFlag] !== "1" && !process.argv.includes("--source")) {
  process.exit(await runBundled());
}

/** Bundles this script as scripts/build.mjs bundles the CLI, runs it, and returns its exit code. */
async function runBundled(): Promise<number> {
  const { build } = await import("esbuild");
  const dir = mkdtempSync(join(tmpdir(), "ebuild-bench-plan-"));
  try {
    const outfile = join(dir, "plan.mjs");
    await build({ entryPoints: [fileURLToPath(import.meta.url)], outfile, bundle: true, format: "esm", platform: "node", target: "node20", external: ["esbuild"], logLevel: "warning" });
    const child = spawnSync(process.execPath, [outfile, ...args], { stdio: "inherit", env: { ...process.env, [bundledFlag]: "1" } });
    return child.status ?? 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

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

const entry = { directory: "/bench", name: "all" };
const parsedRequest = () => {
  const parsed = parseForPlanning(text, "/bench/Buildfile");
  return { entry, platform: "linux/amd64", reader, parse: () => parsed };
};

const rounds = 7;

/** Times `step` once per round, after one untimed warm-up; `prepare` (not timed) runs before each. */
async function timed<P>(prepare: () => P, step: (prepared: P) => Promise<unknown> | unknown): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i <= rounds; i++) {
    const prepared = prepare();
    const t0 = performance.now();
    await step(prepared);
    if (i > 0) times.push(performance.now() - t0);
  }
  return times;
}

// Each step runs its own rounds, so one step's garbage (reading all definitions makes 1.8 GiB) is
// not collected during another's timing.
const parseTimes = await timed(() => undefined, () => parseForPlanning(text, "/bench/Buildfile"));
const walkTimes = await timed(parsedRequest, (request) => reachTargets(request));
let outputs = 0;
const planTimes = await timed(parsedRequest, async (request) => {
  outputs = (await plan(request)).plan.outputs.length;
});
const totalTimes = await timed(() => undefined, () => plan({ entry, platform: "linux/amd64", reader, parse: parseForPlanning }));
// Definitions are marshalled when first read (as the executor does, one output at a time): each
// round plans afresh (not timed), so no definition is cached from an earlier round.
let definitionBytes = 0;
const readTimes: number[] = [];
for (let i = 0; i <= rounds; i++) {
  const result = await plan(parsedRequest());
  const t0 = performance.now();
  let bytes = 0;
  for (const output of result.plan.outputs) bytes += output.definition.length;
  if (i > 0) readTimes.push(performance.now() - t0);
  definitionBytes = bytes;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`${process.env[bundledFlag] === "1" ? "bundled (as ebuild runs)" : "sources through tsx"}: targets ${count}, Buildfile ${(text.length / 1024).toFixed(0)} KiB, outputs ${outputs}`);
const line = (name: string, times: number[], note: string) =>
  console.log(`${name.padEnd(6)} median ${median(times).toFixed(1).padStart(7)} ms, min ${Math.min(...times).toFixed(1).padStart(7)} ms  ${note}`);
line("parse", parseTimes, "(text to syntax tree)");
line("walk", walkTimes, "(targets, variables, effects, LLB states; no op encoded)");
line("plan", planTimes, "(walk, every op encoded and hashed once, step digests; goal < 150 ms)");
line("total", totalTimes, "(read + parse + plan, as `ebuild plan` does)");
line("read", readTimes, `(marshal every output's definition: ${(definitionBytes / 1048576).toFixed(0)} MiB)`);
