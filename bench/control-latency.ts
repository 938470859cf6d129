/**
 * Round-trip costs of talking to the daemon through ebuild's client: connecting (dial, Docker's
 * h2c upgrade, HTTP/2 settings), small unary calls, and an empty Solve with its Status stream.
 * Prints medians and 90th percentiles in milliseconds. Run after `bash scripts/buildkit-up`:
 *   node --import tsx bench/control-latency.ts [rounds]
 */
import { performance } from "node:perf_hooks";
import { BuildkitClient, newBuildRef } from "../src/buildkit/client.js";

const rounds = Number(process.argv[2] ?? 30);

async function measure(name: string, run: () => Promise<unknown>): Promise<void> {
  await run(); // warm-up: first calls pay for lazy imports and the daemon's caches
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(2);
  console.log(`${name.padEnd(34)} median ${at(0.5).padStart(7)} ms   p90 ${at(0.9).padStart(7)} ms   (${rounds} rounds)`);
}

await measure("connect (dial + upgrade + HTTP/2)", async () => (await BuildkitClient.connect()).close());
const client = await BuildkitClient.connect();
try {
  console.log(`daemon: ${client.address.text}`);
  await measure("ListWorkers", () => client.listWorkers());
  await measure("Info", () => client.info());
  await measure("DiskUsage", () => client.diskUsage());
  await measure("empty Solve + Status stream", async () => {
    const ref = newBuildRef();
    const status = (async () => {
      for await (const _ of client.status(ref));
    })();
    await client.solve({ ref, definition: new Uint8Array(0) });
    await status;
  });
} finally {
  client.close();
}
