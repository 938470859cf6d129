/**
 * Context upload and local export, ebuild against `docker buildx build` on the same daemon (issue 3).
 * Generates a context (5,000 files, ~130 MB by default), then builds "FROM scratch, COPY . /ctx,
 * export to a local folder" with each tool, cold and warm, and prints medians in seconds with the
 * ratio ebuild/buildx. Run after `bash scripts/buildkit-up`:
 *   node --import tsx bench/context-transfer.ts [--rounds 3] [--files 5000] [--mb 130]
 *
 * Cold runs: every cold run gets its own fresh copy of the context (`cp -r`: new mtimes, so both
 * tools' incremental transfer finds every file changed and sends all bytes) plus a `.cache-bust`
 * file of random bytes (so the daemon's solver cache cannot reuse an earlier COPY). Nothing is
 * pruned: the daemon is shared. Warm runs: the same folder again right after, to a fresh
 * destination; only metadata travels up, the COPY is cached, the export is done in full.
 * Phases (upload, export) are the daemon's own timings of the same vertices for both tools;
 * clientCpu is the CPU time of the client process (ebuild's, or the docker CLI's), which a busy
 * machine disturbs less than wall time.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { BuildkitClient } from "../src/buildkit/index.js";
import { generateContext } from "./generate-context.js";
import { buildxRun, countTree, ebuildRun, type Phases } from "./transfer-runs.js";

const { values: args } = parseArgs({
  options: { rounds: { type: "string", default: "3" }, files: { type: "string", default: "5000" }, mb: { type: "string", default: "130" } },
});
const rounds = Number(args.rounds);
const shape = { files: Number(args.files), totalBytes: Number(args.mb) * 1e6 };

type Tool = "ebuild (Control.Session)" | "ebuild (POST /session)" | "buildx";
type Sample = { tool: Tool; temperature: "cold" | "warm"; phases: Phases };

const work = await mkdtemp(join(tmpdir(), "ebuild-bench-"));
const client = await BuildkitClient.connect();
try {
  const pristine = join(work, "pristine");
  const made = await generateContext(pristine, shape);
  console.log(`context: ${made.files} files, ${(made.bytes / 1e6).toFixed(1)} MB; daemon ${client.address.text}; ${rounds} rounds`);
  const dockerfileDir = join(work, "dockerfile");
  execFileSync("mkdir", ["-p", dockerfileDir]);
  await writeFile(join(dockerfileDir, "Dockerfile"), "FROM scratch\nCOPY . /ctx\n");

  const tools: Tool[] = ["ebuild (Control.Session)", "buildx"];
  if (client.address.kind === "docker-engine") tools.splice(1, 0, "ebuild (POST /session)");
  const samples: Sample[] = [];
  let serial = 0;
  for (let round = 1; round <= rounds; round++) {
    // Rotate the order so no tool always runs first (page cache, daemon warm-up).
    const order = tools.map((_, i) => tools[(i + round - 1) % tools.length]!);
    for (const tool of order) {
      const context = join(work, `context-${++serial}`);
      execFileSync("cp", ["-r", pristine, context]);
      await writeFile(join(context, ".cache-bust"), randomBytes(64));
      for (const temperature of ["cold", "warm"] as const) {
        const dest = join(work, `out-${++serial}`);
        const phases = await runOnce(tool, context, dest, dockerfileDir);
        const got = await countTree(dest);
        if (got.files !== made.files + 1 || got.bytes !== made.bytes + 64) {
          throw new Error(`${tool} ${temperature}: exported ${got.files} files / ${got.bytes} bytes, expected ${made.files + 1} / ${made.bytes + 64}`);
        }
        samples.push({ tool, temperature, phases });
        console.log(`round ${round} ${tool.padEnd(25)} ${temperature}: ${format(phases)}`);
        await rm(dest, { recursive: true, force: true });
      }
      await rm(context, { recursive: true, force: true });
    }
  }
  printTable(tools, samples);
} finally {
  client.close();
  await rm(work, { recursive: true, force: true });
}

async function runOnce(tool: Tool, context: string, dest: string, dockerfileDir: string): Promise<Phases> {
  if (tool === "buildx") return buildxRun(dockerfileDir, context, dest);
  return ebuildRun(client, context, dest, tool === "ebuild (POST /session)" ? "engine-session" : "control-session");
}

function format(p: Phases): string {
  return `total ${p.total.toFixed(2)} s, upload ${p.upload.toFixed(2)} s, export ${p.export.toFixed(2)} s, client CPU ${p.clientCpu.toFixed(2)} s`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function printTable(tools: Tool[], samples: Sample[]): void {
  const buildx = "buildx";
  const rows: string[][] = [["", ...tools.map((t) => `${t} s`), ...tools.filter((t) => t !== buildx).map((t) => `${t.replace("ebuild ", "")}/buildx`)]];
  for (const temperature of ["cold", "warm"] as const) {
    for (const phase of ["total", "upload", "export", "clientCpu"] as const) {
      const med = (tool: Tool) => median(samples.filter((s) => s.tool === tool && s.temperature === temperature).map((s) => s.phases[phase]));
      const base = med(buildx);
      rows.push([
        `${temperature} ${phase}`,
        ...tools.map((t) => med(t).toFixed(2)),
        ...tools.filter((t) => t !== buildx).map((t) => (base > 0 ? (med(t) / base).toFixed(2) : "-")),
      ]);
    }
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  console.log(`\nmedians of ${rounds} rounds (seconds; ratio < 1 means ebuild is faster)`);
  for (const row of rows) console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("  "));
}
