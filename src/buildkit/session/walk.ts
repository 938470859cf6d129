/**
 * Walks a local directory the way the daemon expects to receive it: depth first, entries of each
 * directory in byte order, filtered by include/exclude patterns, symlinks reported as links and
 * never followed, and a directory reported only when something in it (or itself) is selected.
 */
import { lstat, readdir, readlink } from "node:fs/promises";
import type { BigIntStats } from "node:fs";
import { join } from "node:path";
import { goModeFromUnix } from "./file-mode.js";
import { compareBytes, dedupePaths, resolveFollowPaths } from "./follow-paths.js";
import { PatternMatcher, type MatchInfo } from "./patterns.js";

/** One file, directory or link as sent in a STAT packet. */
export interface ContextEntry {
  /** Slash-separated, relative to the walked root. */
  path: string;
  /** Where it is on disk. */
  source: string;
  /** Go FileMode bits (see file-mode.ts). */
  mode: number;
  uid: number;
  gid: number;
  size: bigint;
  /** Nanoseconds since the epoch. */
  modTime: bigint;
  /** Symlink target, or the first path of a hard-linked file. */
  linkname: string;
  devmajor: bigint;
  devminor: bigint;
}

/** What the daemon asked for: fsutil's FilterOpt. */
export interface WalkFilter {
  includePatterns?: readonly string[];
  excludePatterns?: readonly string[];
  followPaths?: readonly string[];
}

/** Entries of one directory stat'ed at once. */
const statBatch = 64;

/** Characters that make a pattern more than a plain path prefix. */
const patternChars = /[*[\]?^\\]/;

interface Frame {
  entry: ContextEntry;
  reported: boolean;
}

interface Walk {
  root: string;
  include: PatternMatcher | undefined;
  exclude: PatternMatcher | undefined;
  onlyPrefixIncludes: boolean;
  onlyPrefixExcludeExceptions: boolean;
  signal: AbortSignal | undefined;
  /** First path seen for each inode with several links, to send the others as hard links. */
  inodes: Map<bigint, string>;
}

/** Yields the selected entries under `root` (not the root itself) in the daemon's order. */
export async function* walkContext(
  root: string,
  filter: WalkFilter = {},
  signal?: AbortSignal,
): AsyncGenerator<ContextEntry> {
  let includes = filter.includePatterns ? [...filter.includePatterns] : undefined;
  if (filter.followPaths !== undefined) {
    const targets = await resolveFollowPaths(root, filter.followPaths);
    if (targets !== undefined) includes = dedupePaths([...(includes ?? []), ...targets]);
  }
  const include = includes && includes.length > 0 ? new PatternMatcher(includes) : undefined;
  const exclude =
    filter.excludePatterns && filter.excludePatterns.length > 0 ? new PatternMatcher(filter.excludePatterns) : undefined;
  const walk: Walk = {
    root,
    include,
    exclude,
    onlyPrefixIncludes: !(include?.patterns ?? []).some((p) => !p.exclusion && patternChars.test(p.withoutTrailingGlob())),
    onlyPrefixExcludeExceptions: !(exclude?.patterns ?? []).some(
      (p) => p.exclusion && patternChars.test(p.withoutTrailingGlob()),
    ),
    signal,
    inodes: new Map(),
  };
  yield* walkDir(walk, "", root, [], undefined, undefined);
}

async function* walkDir(
  walk: Walk,
  dir: string,
  dirSource: string,
  parents: Frame[],
  parentInclude: MatchInfo | undefined,
  parentExclude: MatchInfo | undefined,
): AsyncGenerator<ContextEntry> {
  const names = await readdirOrNothing(dirSource);
  names.sort(compareBytes);
  // Stat a directory's entries a batch at a time: one by one, the walk waits on every round trip.
  let batch: Promise<(BigIntStats | undefined)[]> | undefined;
  let batchStart = 0;
  for (let index = 0; index < names.length; index++) {
    walk.signal?.throwIfAborted();
    const name = names[index]!;
    const path = dir === "" ? name : `${dir}/${name}`;
    const source = join(dirSource, name);
    if (batch === undefined || index >= batchStart + statBatch) {
      batchStart = index;
      batch = Promise.all(names.slice(index, index + statBatch).map((n) => lstatOrNothing(join(dirSource, n))));
    }
    const stats = (await batch)[index - batchStart];
    if (stats === undefined) continue; // removed while we walk
    // Sockets cannot be copied into a build; fsutil would fail opening them.
    if (stats.isSocket()) continue;
    const isDir = stats.isDirectory();

    let skip = false;
    let includeInfo: MatchInfo | undefined;
    let excludeInfo: MatchInfo | undefined;
    if (walk.include) {
      const { matched, info } = walk.include.matchesUsingParentResults(path, parentInclude);
      includeInfo = info;
      if (!matched) {
        if (isDir && walk.onlyPrefixIncludes && !somePatternUnder(walk.include, path, false)) continue;
        skip = true;
      }
    }
    if (walk.exclude) {
      const { matched, info } = walk.exclude.matchesUsingParentResults(path, parentExclude);
      excludeInfo = info;
      if (matched) {
        if (isDir && walk.onlyPrefixExcludeExceptions) {
          if (!walk.exclude.hasExclusions) continue;
          if (!somePatternUnder(walk.exclude, path, true)) continue;
        }
        skip = true;
      }
    }

    const entry = await entryFor(walk, path, source, stats, !skip);
    if (!skip) {
      // A directory skipped by the patterns still appears once something inside it is selected.
      for (const parent of parents) {
        if (!parent.reported) {
          parent.reported = true;
          yield parent.entry;
        }
      }
      yield entry;
    }
    if (isDir) yield* walkDir(walk, path, source, [...parents, { entry, reported: !skip }], includeInfo, excludeInfo);
  }
}

/** Whether a pattern of the given kind names something inside `dir`, so its walk cannot be cut short. */
function somePatternUnder(matcher: PatternMatcher, dir: string, exclusion: boolean): boolean {
  const prefix = `${dir}/`;
  return matcher.patterns.some((p) => p.exclusion === exclusion && `${p.withoutTrailingGlob()}/`.startsWith(prefix));
}

async function entryFor(
  walk: Walk,
  path: string,
  source: string,
  stats: BigIntStats,
  reported: boolean,
): Promise<ContextEntry> {
  const mode = goModeFromUnix(Number(stats.mode));
  const entry: ContextEntry = {
    path,
    source,
    mode,
    uid: Number(stats.uid),
    gid: Number(stats.gid),
    size: stats.isDirectory() ? 0n : stats.size,
    modTime: stats.mtimeNs,
    linkname: "",
    devmajor: 0n,
    devminor: 0n,
  };
  if (stats.isSymbolicLink()) {
    entry.linkname = await readlink(source);
  } else if (stats.isBlockDevice() || stats.isCharacterDevice()) {
    entry.devmajor = (stats.rdev >> 8n) & 0xfffn;
    entry.devminor = (stats.rdev & 0xffn) | ((stats.rdev >> 12n) & 0xfff00n);
  } else if (reported && stats.isFile() && stats.nlink > 1n) {
    const first = walk.inodes.get(stats.ino);
    if (first === undefined) walk.inodes.set(stats.ino, path);
    else {
      entry.linkname = first;
      entry.size = 0n;
    }
  }
  return entry;
}

async function readdirOrNothing(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if (isGone(err)) return [];
    throw err;
  }
}

async function lstatOrNothing(path: string): Promise<BigIntStats | undefined> {
  try {
    return await lstat(path, { bigint: true });
  } catch (err) {
    if (isGone(err)) return undefined;
    throw err;
  }
}

function isGone(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "ENOTDIR";
}
