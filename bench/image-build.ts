/**
 * One small image build, end to end on the same daemon: ebuild's client (gateway build: a RUN on
 * the fixture base, exported to Docker's image store with a config) against `docker buildx build`
 * of the equivalent Dockerfile. Each round busts the RUN's cache, so both really run it. buildx
 * also pays for starting its process and for the Dockerfile frontend; ebuild pays neither. Prints
 * medians and the ratio. Run after `bash scripts/buildkit-up`:
 *   node --import tsx bench/image-build.ts [rounds]
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { BuildkitClient } from "../src/buildkit/client.js";
import { GatewayBuild, imageConfigMetadataKey } from "../src/buildkit/gateway.js";
import { openHealthSession } from "../test/buildkit/support/health-session.js";
import { runOnImage } from "../test/buildkit/support/tiny-llb.js";

const rounds = Number(process.argv[2] ?? 10);
const base = "ebuild-fixture/busybox:latest";
const config = JSON.stringify({ architecture: "amd64", os: "linux", config: { Cmd: ["cat", "/x"] } });

function median(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const client = await BuildkitClient.connect({ env: { ...process.env, BUILDKIT_HOST: "" } });
const session = openHealthSession(client);
const dir = mkdtempSync(path.join(os.tmpdir(), "ebuild-bench-"));
const ebuildTimes: number[] = [];
const buildxTimes: number[] = [];
try {
  for (let i = -1; i < rounds; i++) {
    const token = `${process.pid}-${i}-${Date.now()}`;
    let start = performance.now();
    const build = GatewayBuild.open(client, { sessionId: session.sessionId, exporters: [{ type: "moby", attrs: { name: "ebuild-bench/ebuild:latest" } }] });
    const ref = await build.solve(runOnImage(base, `echo ${token} > /x`).definition, { evaluate: true });
    await build.finish({ ref, metadata: { [imageConfigMetadataKey]: config } });
    // Round -1 warms both paths up and is not counted.
    if (i >= 0) ebuildTimes.push(performance.now() - start);

    writeFileSync(path.join(dir, "Dockerfile"), `FROM ${base}\nRUN echo ${token} > /x\nCMD ["cat", "/x"]\n`);
    start = performance.now();
    execFileSync("docker", ["buildx", "build", "-q", "-t", "ebuild-bench/buildx:latest", dir], { stdio: "pipe" });
    if (i >= 0) buildxTimes.push(performance.now() - start);
  }
} finally {
  session.close();
  client.close();
  rmSync(dir, { recursive: true, force: true });
  execFileSync("docker", ["image", "rm", "-f", "ebuild-bench/ebuild:latest", "ebuild-bench/buildx:latest"], { stdio: "pipe" });
}
const e = median(ebuildTimes);
const b = median(buildxTimes);
console.log(`image build (RUN + export to Docker), ${rounds} rounds`);
console.log(`  ebuild client        median ${e.toFixed(1).padStart(7)} ms`);
console.log(`  docker buildx build  median ${b.toFixed(1).padStart(7)} ms`);
console.log(`  ratio ebuild/buildx  ${(e / b).toFixed(2)}`);
