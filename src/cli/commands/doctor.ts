/**
 * `ebuild doctor`: which daemon ebuild would use, whether it answers, its BuildKit version, its
 * workers and platforms, and for each problem what is missing and how to fix it. Exits 6 when the
 * daemon cannot be reached.
 */
import chalk from "chalk";
import { BuildkitClient, type WorkerRecord } from "../../buildkit/client.js";
import { resolveDaemonAddress, type DaemonAddress } from "../../buildkit/connection/address.js";
import { EbuildError } from "../../errors.js";

export interface DoctorOptions {
  buildkitHost?: string | undefined;
  /** TLS files for a tcp:// daemon, named as buildctl's flags. */
  tlscacert?: string | undefined;
  tlscert?: string | undefined;
  tlskey?: string | undefined;
  tlsservername?: string | undefined;
}

// Go's architecture names for Node's, to find this machine among the workers' platforms.
const goArch: Record<string, string> = { x64: "amd64", arm64: "arm64", arm: "arm", ia32: "386", ppc64: "ppc64le", s390x: "s390x", riscv64: "riscv64" };

export async function doctor(options: DoctorOptions): Promise<void> {
  const out = (line = "") => process.stdout.write(`${line}\n`);
  const good = chalk.green("ok");
  const bad = chalk.red("missing");
  const tls = { caFile: options.tlscacert, certFile: options.tlscert, keyFile: options.tlskey, serverName: options.tlsservername };
  const address = resolveDaemonAddress({ buildkitHost: options.buildkitHost, tls });
  out(`daemon    ${address.text} ${chalk.dim(`(${describeAddress(address, options.buildkitHost)})`)}`);

  let client: BuildkitClient;
  try {
    client = await BuildkitClient.connectTo(address);
  } catch (error) {
    out(`connect   ${chalk.red("failed")}`);
    throw error;
  }
  try {
    out(`connect   ${good}`);
    const info = await client.info();
    const version = info.buildkitVersion;
    out(`buildkit  ${version ? `${version.package} ${version.version}${version.revision ? ` (${version.revision})` : ""}` : "unknown version"}`);

    const workers = await client.listWorkers();
    if (workers.length === 0) {
      out(`workers   ${bad}: the daemon has no workers`);
      throw new EbuildError("build", "the BuildKit daemon has no workers, so it cannot build anything", {
        hint: "check buildkitd's worker configuration (--oci-worker / --containerd-worker) and its log",
      });
    }
    out(`workers   ${workers.length}`);
    for (const worker of workers) out(`  ${describeWorker(worker)}`);

    const hostPlatform = `linux/${goArch[process.arch] ?? process.arch}`;
    const platforms = new Set(workers.flatMap((w) => w.platforms.map((p) => `${p.os}/${p.architecture}`)));
    if (platforms.has(hostPlatform)) {
      out(`platform  ${hostPlatform} ${good}`);
    } else {
      out(`platform  ${hostPlatform} ${chalk.yellow("not offered")}: builds for this machine need emulation`);
      out(`          fix: install binfmt emulators (e.g. qemu-user-static) or build with --platform ${[...platforms][0] ?? "linux/amd64"}`);
    }

    const records = await client.diskUsage();
    const bytes = records.reduce((sum, r) => sum + Number(r.size), 0);
    out(`cache     ${records.length} records, ${formatBytes(bytes)}`);
    out();
    out(chalk.green("ebuild can build on this daemon"));
  } finally {
    client.close();
  }
}

function describeAddress(address: DaemonAddress, flag: string | undefined): string {
  const from = flag ? "--buildkit-host" : "BUILDKIT_HOST";
  switch (address.kind) {
    case "docker-engine":
      return address.source === "DOCKER_HOST" ? "Docker Engine's BuildKit, from DOCKER_HOST" : "Docker Engine's BuildKit, default socket";
    case "docker-container":
      return `buildkitd in container ${address.container}, from ${from}`;
    case "tcp":
      return `buildkitd over TCP${address.tls ? " with TLS" : ""}, from ${from}`;
    case "unix":
      return `buildkitd, from ${from}`;
  }
}

function describeWorker(worker: WorkerRecord): string {
  const platforms = worker.platforms.map((p) => `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ""}`).join(", ");
  const executor = worker.labels["org.mobyproject.buildkit.worker.executor"];
  const snapshotter = worker.labels["org.mobyproject.buildkit.worker.snapshotter"];
  const details = [executor && `executor ${executor}`, snapshotter && `snapshotter ${snapshotter}`].filter(Boolean).join(", ");
  return `${worker.id.slice(0, 12)}  ${platforms}${details ? chalk.dim(`  (${details})`) : ""}`;
}

function formatBytes(bytes: number): string {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
