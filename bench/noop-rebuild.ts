/**
 * A no-op rebuild (everything cached) of a 5,000-file project: the built `ebuild` CLI against
 * `docker buildx build` of the equivalent Dockerfile on the same daemon (issue 6). Generates the
 * project in a temp dir (Buildfile: COPY of the tree, a RUN, SAVE ARTIFACT AS LOCAL; Dockerfile:
 * the same steps, exported with --output type=local), warms both, then times N fully cached
 * rebuilds of each, alternating the order, and prints the medians and the ratio ebuild/buildx.
 * Run after `bash scripts/buildkit-up` and `npm run build`:
 *   node --import tsx bench/noop-rebuild.ts [--runs 5] [--files 5000] [--mb 20]
 * Wall time of the whole process, as a user waits for it: start-up, planning, context check,
 * Solve, export.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { generateContext } from "./generate-context.js";

const { values: args } = parseArgs({
  options: { runs: { type: "string", default: "5" }, files: { type: "string", default: "5000" }, mb: { type: "string", default: "20" } },
});
const runs = Number(args.runs);
const root = join(import.meta.dirname, "..");
const cli = join(root, "bin", "ebuild.js");
if (!existsSync(join(root, "dist", "cli", "main.js"))) {
  console.error("build the CLI first: npm run build");
  process.exit(2);
}

const work = await mkdtemp(join(tmpdir(), "ebuild-noop-"));
try {
  const made = await generateContext(join(work, "src"), { files: Number(args.files), totalBytes: Number(args.mb) * 1e6 });
  // A marker unique to this run keeps the first (cold) builds from reusing another run's cache.
  const marker = `${process.pid}-${Date.now()}`;
  await writeFile(
    join(work, "Buildfile"),
    `VERSION 0.8
FROM ebuild-fixture/busybox:latest
build:
    COPY src /src
    RUN echo ${marker} > /marker && find /src -type f | wc -l > /count.txt
    SAVE ARTIFACT /count.txt AS LOCAL out-ebuild/count.txt
`,
  );
  await writeFile(
    join(work, "Dockerfile"),
    `FROM ebuild-fixture/busybox:latest AS build
COPY src /src
RUN echo ${marker} > /marker && find /src -type f | wc -l > /count.txt
FROM scratch
COPY --from=build /count.txt /
`,
  );
  // buildx sends the whole context: leave out what ebuild does not send either.
  await writeFile(join(work, ".dockerignore"), "Buildfile\nDockerfile\nout-*\n");

  const tools = {
    ebuild: () => execFileSync(process.execPath, [cli, "--progress", "plain", "+build"], { cwd: work, stdio: "pipe", env: { ...process.env, NO_COLOR: "1" } }),
    buildx: () => execFileSync("docker", ["buildx", "build", "--progress", "plain", "--output", "type=local,dest=out-buildx", "."], { cwd: work, stdio: "pipe" }),
  };
  const time = (run: () => unknown) => {
    const started = process.hrtime.bigint();
    run();
    return Number(process.hrtime.bigint() - started) / 1e9;
  };
  console.log(`project: ${made.files} files, ${(made.bytes / 1e6).toFixed(1)} MB; ${runs} cached rebuilds each`);
  const cold = { ebuild: time(tools.ebuild), buildx: time(tools.buildx) };
  console.log(`cold (first) builds: ebuild ${cold.ebuild.toFixed(2)} s, buildx ${cold.buildx.toFixed(2)} s`);
  for (const out of ["out-ebuild", "out-buildx"]) {
    const count = (await readFile(join(work, out, "count.txt"), "utf8")).trim();
    if (count !== String(made.files)) throw new Error(`${out}/count.txt says ${count}, expected ${made.files}`);
  }
  const samples: Record<keyof typeof tools, number[]> = { ebuild: [], buildx: [] };
  for (let i = 0; i < runs; i++) {
    // Alternate who goes first so neither always gets the warmer page cache.
    const order: Array<keyof typeof tools> = i % 2 === 0 ? ["ebuild", "buildx"] : ["buildx", "ebuild"];
    for (const tool of order) samples[tool].push(time(tools[tool]));
  }
  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  };
  for (const tool of ["ebuild", "buildx"] as const) {
    console.log(`${tool.padEnd(7)} no-op rebuild: median ${median(samples[tool]).toFixed(2)} s  (runs: ${samples[tool].map((s) => s.toFixed(2)).join(", ")})`);
  }
  console.log(`ratio ebuild/buildx: ${(median(samples.ebuild) / median(samples.buildx)).toFixed(2)}`);
} finally {
  await rm(work, { recursive: true, force: true });
}
