/**
 * The Buildfiles the server knows: the documents open in the editor (their unsaved text wins) and the
 * files on disk under the workspace folders, each parsed once per text. Paths are absolute.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseBuildfile, type ParseResult } from "../parser/index.js";

/** The file names ebuild reads in a directory, in order of preference (as the CLI does). */
export const buildfileNames = ["Buildfile", "Earthfile"] as const;

/** Folders never searched for Buildfiles: dependencies and tool state, not the user's project. */
const skippedFolders = new Set(["node_modules", ".git", "dist", "vendor"]);
/** Enough for any real repository; a home directory opened by mistake stays cheap. */
const maxFoldersScanned = 5000;

export interface ParsedFile {
  path: string;
  text: string;
  result: ParseResult;
}

/** The text of an open document, by absolute path. */
export type OpenDocuments = (path: string) => string | undefined;

export class Workspace {
  private readonly cache = new Map<string, ParsedFile>();

  constructor(
    private readonly roots: readonly string[],
    private readonly openText: OpenDocuments,
    private readonly openPaths: () => readonly string[],
  ) {}

  /** The file's text: the editor's when open, else the disk's; undefined when it cannot be read. */
  text(path: string): string | undefined {
    const open = this.openText(path);
    if (open !== undefined) return open;
    try {
      return readFileSync(path, "utf8");
    } catch {
      return undefined;
    }
  }

  /** The file parsed (from the cache while its text is unchanged). */
  parsed(path: string): ParsedFile | undefined {
    const text = this.text(path);
    if (text === undefined) return undefined;
    const cached = this.cache.get(path);
    if (cached !== undefined && cached.text === text) return cached;
    const parsed: ParsedFile = { path, text, result: parseBuildfile(text, path) };
    this.cache.set(path, parsed);
    return parsed;
  }

  /** The Buildfile (else the Earthfile) of a directory, open or on disk. */
  buildfileIn(directory: string): string | undefined {
    for (const name of buildfileNames) {
      const path = join(directory, name);
      if (this.openText(path) !== undefined || isFile(path)) return path;
    }
    return undefined;
  }

  /** Every Buildfile and Earthfile under the workspace folders, and every open one. */
  files(): string[] {
    const found = new Set<string>(this.openPaths());
    const pending = [...this.roots];
    let scanned = 0;
    while (pending.length > 0 && scanned++ < maxFoldersScanned) {
      const dir = pending.shift()!;
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const entry of entries) {
        if (entry.isDirectory() && !entry.name.startsWith(".") && !skippedFolders.has(entry.name)) pending.push(join(dir, entry.name));
        else if (entry.isFile() && (buildfileNames as readonly string[]).includes(entry.name)) found.add(join(dir, entry.name));
      }
    }
    return [...found].sort();
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export function pathOfUri(uri: string): string | undefined {
  return uri.startsWith("file:") ? fileURLToPath(uri) : undefined;
}

export function uriOfPath(path: string): string {
  return pathToFileURL(path).href;
}
