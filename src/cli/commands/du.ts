/**
 * `ebuild du`: how much disk BuildKit's cache takes on the daemon, how much of it a prune could
 * free, and the largest entries (`--verbose`: all of them). The daemon is chosen as for
 * `ebuild doctor` (`--buildkit-host`, BUILDKIT_HOST, else Docker).
 */
import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { ChalkInstance } from "chalk";
import { BuildkitClient, type UsageRecord } from "../../buildkit/client.js";
import { resolveDaemonAddress } from "../../buildkit/connection/address.js";
import { chalkAt, colourLevel } from "../progress/colour.js";
import { formatBytes } from "../progress/format.js";
import type { DoctorOptions } from "./doctor.js";

/** The daemon flags `du` and `prune` share with `doctor`. */
export type DaemonOptions = DoctorOptions;

export interface DuOptions extends DaemonOptions {
  verbose?: boolean | undefined;
  /** BuildKit filters, e.g. `type==regular`, `description~=npm`. */
  filter?: string[] | undefined;
}

/** Entries listed without --verbose. */
export const topEntries = 10;

export async function du(options: DuOptions): Promise<void> {
  const client = await connectDaemon(options);
  try {
    const records = await client.diskUsage(options.filter ?? []);
    const chalk = chalkAt(colourLevel(process.env, process.stdout.isTTY === true));
    process.stdout.write(cacheUsageReport(records, { verbose: options.verbose === true, now: Date.now(), chalk }).map((l) => `${l}\n`).join(""));
  } finally {
    client.close();
  }
}

/** Connects to the daemon the flags and environment name, as `ebuild doctor` does. */
export async function connectDaemon(options: DaemonOptions): Promise<BuildkitClient> {
  const tls = { caFile: options.tlscacert, certFile: options.tlscert, keyFile: options.tlskey, serverName: options.tlsservername };
  return BuildkitClient.connectTo(resolveDaemonAddress({ buildkitHost: options.buildkitHost, tls }));
}

/**
 * The report: a table of the largest entries (all with `verbose`), then totals. An entry in use
 * by a running build cannot be freed; everything else counts as reclaimable, as `docker buildx
 * du` counts it.
 */
export function cacheUsageReport(records: UsageRecord[], options: { verbose: boolean; now: number; chalk?: ChalkInstance }): string[] {
  const chalk = options.chalk ?? chalkAt(0);
  const sorted = [...records].sort((a, b) => Number(b.size - a.size) || a.id.localeCompare(b.id));
  const shown = options.verbose ? sorted : sorted.slice(0, topEntries);
  const lines: string[] = [];
  if (shown.length > 0) {
    const rows = shown.map((r) => [
      r.id.slice(0, 12),
      r.inUse ? "no" : "yes",
      formatBytes(Number(r.size)),
      r.lastUsedAt ? ago(options.now - timestampDate(r.lastUsedAt).getTime()) : "never",
      oneLine(r.description || r.recordType),
    ]);
    const header = ["ID", "RECLAIMABLE", "SIZE", "LAST USED", "DESCRIPTION"];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
    const format = (row: string[]) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ");
    lines.push(chalk.bold(format(header)), ...rows.map(format));
    if (shown.length < sorted.length) lines.push(chalk.dim(`… ${sorted.length - shown.length} smaller entries (--verbose lists all)`));
    lines.push("");
  }
  const total = records.reduce((sum, r) => sum + Number(r.size), 0);
  const reclaimable = records.reduce((sum, r) => sum + (r.inUse ? 0 : Number(r.size)), 0);
  lines.push(`Entries:      ${records.length}`, `Reclaimable:  ${formatBytes(reclaimable)}`, `Total:        ${formatBytes(total)}`);
  return lines;
}

function ago(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86_400)} days ago`;
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}
