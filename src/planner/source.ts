/**
 * Loading Buildfiles. The planner reads files only through a `SourceReader` (the CLI passes one over
 * node:fs, tests an in-memory one), and each directory's file is read and parsed once per plan.
 */
import { EbuildError, type SourcePosition } from "../errors.js";
import { joinPath, normalizePath } from "./paths.js";

/** What the planner may ask of the file system. Paths are absolute and use `/`. */
export interface SourceReader {
  readFile(path: string): Promise<string>;
  exists(path: string): Promise<boolean>;
}

/** The file names the planner looks for in a directory, in order: a Buildfile wins over an Earthfile. */
export const buildfileNames = ["Buildfile", "Earthfile"] as const;

/** One loaded file: where it is and what parsing it gave. */
export interface LoadedBuildfile<T> {
  /** The directory, absolute and normalised. */
  directory: string;
  /** The file's absolute path (`<directory>/Buildfile` or `<directory>/Earthfile`). */
  path: string;
  /** The file's text, carried into definitions as a source map. */
  text: string;
  parsed: T;
}

/** Turns a file's text into its parsed form, or throws an EbuildError (kind "syntax"). */
export type ParseBuildfile<T> = (text: string, path: string) => T;

/** Reads and parses the Buildfile of each directory once; concurrent requests share one read. */
export class BuildfileLoader<T> {
  readonly #reader: SourceReader;
  readonly #parse: ParseBuildfile<T>;
  readonly #cache = new Map<string, Promise<LoadedBuildfile<T>>>();

  constructor(reader: SourceReader, parse: ParseBuildfile<T>) {
    this.#reader = reader;
    this.#parse = parse;
  }

  /**
   * The Buildfile (or Earthfile) of `directory`. `at` is the statement that asked for it, so a
   * missing file is reported where it was referenced.
   */
  load(directory: string, at?: SourcePosition): Promise<LoadedBuildfile<T>> {
    const key = normalizePath(directory);
    let loading = this.#cache.get(key);
    if (loading === undefined) {
      loading = this.#read(key, at);
      this.#cache.set(key, loading);
    }
    return loading;
  }

  /** How many directories were read, for tests and the bench. */
  get size(): number {
    return this.#cache.size;
  }

  async #read(directory: string, at: SourcePosition | undefined): Promise<LoadedBuildfile<T>> {
    for (const name of buildfileNames) {
      const path = joinPath(directory, name);
      if (await this.#reader.exists(path)) {
        const text = await this.#reader.readFile(path);
        return { directory, path, text, parsed: this.#parse(text, path) };
      }
    }
    throw new EbuildError("semantic", `no Buildfile or Earthfile in ${directory}`, {
      at,
      hint: "check the directory part of the reference; it is relative to the Buildfile that names it",
    });
  }
}

/** A SourceReader over a map of absolute paths to contents: for tests and generated benchmarks. */
export class MemorySourceReader implements SourceReader {
  readonly files: Map<string, string>;
  /** Every readFile call, in order, so tests can check what was read and how often. */
  readonly reads: string[] = [];

  constructor(files: Record<string, string>) {
    this.files = new Map(Object.entries(files).map(([path, text]) => [normalizePath(path), text]));
  }

  async readFile(path: string): Promise<string> {
    const text = this.files.get(normalizePath(path));
    this.reads.push(normalizePath(path));
    if (text === undefined) throw new Error(`ENOENT: ${path}`);
    return text;
  }

  async exists(path: string): Promise<boolean> {
    const normal = normalizePath(path);
    if (this.files.has(normal)) return true;
    const prefix = `${normal}/`;
    for (const file of this.files.keys()) if (file.startsWith(prefix)) return true;
    return false;
  }
}
