/**
 * `ebuild prune`: frees BuildKit's build cache on the daemon and reports what was freed. Without
 * `--all` the daemon keeps internal records and layers Docker's images still use;
 * `--keep-duration` keeps what was used recently, `--keep-storage` keeps the cache below a size.
 */
import type { BuildkitClient, UsageRecord } from "../../buildkit/client.js";
import { EbuildError } from "../../errors.js";
import { chalkAt, colourLevel } from "../progress/colour.js";
import { formatBytes } from "../progress/format.js";
import { connectDaemon, type DaemonOptions } from "./du.js";

export interface PruneCommandOptions extends DaemonOptions {
  all?: boolean | undefined;
  /** e.g. `24h`, `7d`, `1h30m`. */
  keepDuration?: string | undefined;
  /** e.g. `10GB`, `512MiB`, `1000000`. */
  keepStorage?: string | undefined;
  filter?: string[] | undefined;
  verbose?: boolean | undefined;
}

export async function prune(options: PruneCommandOptions): Promise<void> {
  // Bad values fail before anything is removed.
  const keepDurationSeconds = options.keepDuration === undefined ? 0 : parseDuration(options.keepDuration);
  const keepBytes = options.keepStorage === undefined ? 0 : parseSize(options.keepStorage);
  const client = await connectDaemon(options);
  try {
    const chalk = chalkAt(colourLevel(process.env, process.stdout.isTTY === true));
    const filter = await pruneFilter(client, options.filter ?? []);
    const removed: UsageRecord[] = [];
    const records = filter ? client.prune({ all: options.all === true, keepDurationSeconds, keepBytes, filter }) : nothing();
    for await (const record of records) {
      removed.push(record);
      if (options.verbose) process.stdout.write(`deleted ${record.id.slice(0, 12)}  ${formatBytes(Number(record.size)).padStart(9)}  ${chalk.dim(record.description)}\n`);
    }
    process.stdout.write(`${pruneReport(removed)}\n`);
  } finally {
    client.close();
  }
}

/**
 * The Prune filter for the user's filters. BuildKit v0.13 matches Prune filters against a record's
 * id, type and mutable/shared flags only (its description and parents are not filled in yet), so
 * `description~=npm` would remove nothing: the records are found with DiskUsage, which sees every
 * field, and pruned by id. Undefined when nothing matches.
 */
async function pruneFilter(client: BuildkitClient, filters: string[]): Promise<string[] | undefined> {
  if (filters.length === 0) return [];
  const matching = await client.diskUsage(filters);
  // Several filters in one Prune match a record when any of them does.
  return matching.length === 0 ? undefined : matching.map((record) => `id==${record.id}`);
}

/** `Freed 12.3 MB (4 cache entries)`. */
export function pruneReport(removed: UsageRecord[]): string {
  const bytes = removed.reduce((sum, r) => sum + Number(r.size), 0);
  return `Freed ${formatBytes(bytes)} (${removed.length} cache ${removed.length === 1 ? "entry" : "entries"})`;
}

const durationUnits: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** Seconds in a duration such as `90s`, `1h30m`, `7d` (Go's units plus days and weeks). */
export function parseDuration(text: string): number {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== text) {
    throw new EbuildError("usage", `--keep-duration ${text}: not a duration`, { hint: "write it like 24h, 7d or 1h30m" });
  }
  return parts.reduce((sum, p) => sum + Number(p[1]) * durationUnits[p[2]!]!, 0);
}

const sizeUnits: Record<string, number> = {
  "": 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4,
};

/**
 * Bytes in a size such as `10GB` (decimal), `512MiB` (binary) or `2g` (binary, as Docker's
 * short units are).
 */
export function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([A-Za-z]*)$/.exec(text.trim());
  const unit = match ? sizeUnits[match[2]!.toLowerCase()] : undefined;
  if (!match || unit === undefined) {
    throw new EbuildError("usage", `--keep-storage ${text}: not a size`, { hint: "write it like 10GB, 512MiB or 2g" });
  }
  return Math.round(Number(match[1]) * unit);
}

async function* nothing(): AsyncGenerator<UsageRecord> {}
