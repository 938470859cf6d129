/**
 * Load: a Buildfile whose +all fans out to N targets with BUILD (each a tiny RUN and a local
 * output), and a context of M small files uploaded by one COPY. Runs the real `ebuild` process on
 * the real daemon and prints, for each, the wall time, the CLI's peak RSS and its open file
 * descriptors at exit. test/integration/load.test.ts runs the same at CI size and asserts bounds.
 * Run: node --import tsx bench/load.ts [TARGETS=200] [FILES=50000]
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const main = join(import.meta.dirname, "..", "src", "cli", "main.ts");
const tsx = import.meta.resolve("tsx");
const header = "VERSION 0.8\nFROM ebuild-fixture/busybox:latest\nWORKDIR /w\n";

/** What one measured `ebuild` run did. */
export interface LoadRun {
  code: number;
  stdout: string;
  stderr: string;
  /** Peak resident set of the ebuild process, in bytes. */
  peakRss: number;
  /** File descriptors the process still had open when it exited. */
  openFds: number;
  wallMs: number;
}

/**
 * A module preloaded into the ebuild process: at exit it writes its peak RSS (process.resourceUsage
 * counts the whole process) and its open descriptors to the file named by EBUILD_LOAD_REPORT.
 */
const probe = `
import { readdirSync, writeFileSync } from "node:fs";
process.on("exit", () => {
  const file = process.env.EBUILD_LOAD_REPORT;
  if (!file) return;
  const fds = readdirSync("/proc/self/fd").length;
  writeFileSync(file, JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS, fds }));
});
`;

/** Runs `ebuild args…` in `cwd` with the probe preloaded and reports what it measured. */
export async function measuredEbuild(args: string[], cwd: string): Promise<LoadRun> {
  const scratch = await mkdtemp(join(tmpdir(), "ebuild-load-probe-"));
  const probeFile = join(scratch, "probe.mjs");
  const report = join(scratch, "report.json");
  await writeFile(probeFile, probe);
  const started = performance.now();
  const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ["--import", tsx, "--import", pathToFileURL(probeFile).href, main, ...args],
      { cwd, env: { ...process.env, NO_COLOR: "1", EBUILD_LOAD_REPORT: report }, maxBuffer: 256 << 20 },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
  const wallMs = performance.now() - started;
  const measured = JSON.parse(await readFile(report, "utf8").catch(() => '{"maxRssKiB":0,"fds":-1}')) as { maxRssKiB: number; fds: number };
  await rm(scratch, { recursive: true, force: true });
  return { ...result, peakRss: measured.maxRssKiB * 1024, openFds: measured.fds, wallMs };
}

/** A project whose +all BUILDs `targets` targets; each writes out/tN.txt holding "N <nonce>". */
export async function fanOutProject(targets: number): Promise<{ dir: string; nonce: string }> {
  const dir = await mkdtemp(join(tmpdir(), "ebuild-load-fanout-"));
  // A fresh nonce keeps the RUNs out of the daemon's cache, so each run really executes them all.
  const nonce = randomBytes(6).toString("hex");
  const lines = [header, "all:"];
  for (let i = 0; i < targets; i++) lines.push(`    BUILD +t${i}`);
  for (let i = 0; i < targets; i++) lines.push(`t${i}:`, `    RUN echo ${i} ${nonce} > f.txt`, `    SAVE ARTIFACT f.txt AS LOCAL out/t${i}.txt`);
  await writeFile(join(dir, "Buildfile"), lines.join("\n") + "\n");
  return { dir, nonce };
}

/** A project with `files` small files under files/ (100 per folder) that +count copies and counts. */
export async function manyFilesProject(files: number): Promise<{ dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), "ebuild-load-files-"));
  const perFolder = 100;
  for (let folder = 0; folder * perFolder < files; folder++) {
    const path = join(dir, "files", `d${folder}`);
    await mkdir(path, { recursive: true });
    const writes: Array<Promise<void>> = [];
    for (let i = folder * perFolder; i < Math.min(files, (folder + 1) * perFolder); i++) writes.push(writeFile(join(path, `f${i}.txt`), `${i}\n`));
    await Promise.all(writes);
  }
  await writeFile(
    join(dir, "Buildfile"),
    `${header}count:\n    COPY files/ files/\n    RUN echo ${randomBytes(6).toString("hex")} && find files -type f | wc -l > count.txt && cat files/d0/f0.txt >> count.txt\n    SAVE ARTIFACT count.txt AS LOCAL count.txt\n`,
  );
  return { dir };
}

const mib = (bytes: number) => `${(bytes / (1 << 20)).toFixed(0)} MiB`;

async function bench(): Promise<void> {
  const targets = Number(process.argv[2] ?? 200);
  const files = Number(process.argv[3] ?? 50_000);

  const fan = await fanOutProject(targets);
  const fanRun = await measuredEbuild(["--progress", "plain", "+all"], fan.dir);
  console.log(`fan-out: ${targets} targets by BUILD: exit ${fanRun.code}, ${(fanRun.wallMs / 1000).toFixed(1)} s, peak RSS ${mib(fanRun.peakRss)}, ${fanRun.openFds} fds open at exit`);
  if (fanRun.code !== 0) console.log(fanRun.stderr.slice(-2000));
  await rm(fan.dir, { recursive: true, force: true });

  const started = performance.now();
  const many = await manyFilesProject(files);
  console.log(`context: ${files} files written in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const manyRun = await measuredEbuild(["--progress", "plain", "+count"], many.dir);
  const counted = await readFile(join(many.dir, "count.txt"), "utf8").catch(() => "?");
  console.log(`context: ${files} files by COPY: exit ${manyRun.code}, ${counted.split("\n")[0]} arrived, ${(manyRun.wallMs / 1000).toFixed(1)} s, peak RSS ${mib(manyRun.peakRss)}, ${manyRun.openFds} fds open at exit`);
  if (manyRun.code !== 0) console.log(manyRun.stderr.slice(-2000));
  await rm(many.dir, { recursive: true, force: true });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await bench();
