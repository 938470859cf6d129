/**
 * Loading Buildfiles. The planner reads files only through a `SourceReader` (the CLI passes one over
 * node:fs, tests an in-memory one), and each directory's file is read and parsed once per plan.
 */
import type { Maybe } from "./maybe.js";
import { EbuildError, type SourcePosition } from "../errors.js";
import type { GitFiles } from "./engine.js";
import { joinPath, normalizePath } from "./paths.js";
import { checkoutOf, describeCheckout, isRemote, parseRemoteDirectoryKey, remoteDirectoryKey, remoteFilePath, type GitSettings, type RemoteDirectory } from "./remote.js";

/** What the planner may ask of the file system. Paths are absolute and use `/`. */
export interface SourceReader {
  readFile(path: string): Promise<string>;
  exists(path: string): Promise<boolean>;
}

/** The file names the planner looks for in a directory, in order: a Buildfile wins over an Earthfile. */
export const buildfileNames = ["Buildfile", "Earthfile"] as const;

/** Where remote Buildfiles come from: the daemon's git checkouts, at the URLs the settings give. */
export interface RemoteSource {
  /** Undefined when planning has no daemon: remote references are then errors. */
  files: GitFiles | undefined;
  settings: GitSettings;
}

/** One loaded file: where it is and what parsing it gave. */
export interface LoadedBuildfile<T> {
  /** The directory, absolute and normalised; for a remote one its key, `host/org/repo/sub:ref`. */
  directory: string;
  /** The file's path (`<directory>/Buildfile` or `<directory>/Earthfile`). */
  path: string;
  /** The file's text, carried into definitions as a source map. */
  text: string;
  parsed: T;
}

/** Turns a file's text into its parsed form, or throws an EbuildError (kind "syntax"). */
export type ParseBuildfile<T> = (text: string, path: string) => T;

/**
 * Reads and parses the Buildfile of each directory once; concurrent requests share one read. A
 * remote directory's key holds its repository and ref, so each (repository, ref, path) is read once.
 */
export class BuildfileLoader<T> {
  readonly #reader: SourceReader;
  readonly #parse: ParseBuildfile<T>;
  readonly #remote: RemoteSource;
  readonly #cache = new Map<string, Promise<LoadedBuildfile<T>>>();
  /** Buildfiles already read, to hand out without waiting (see maybe.ts). */
  readonly #ready = new Map<string, LoadedBuildfile<T>>();

  constructor(reader: SourceReader, parse: ParseBuildfile<T>, remote: RemoteSource = { files: undefined, settings: {} }) {
    this.#reader = reader;
    this.#parse = parse;
    this.#remote = remote;
  }

  /**
   * The Buildfile (or Earthfile) of `directory`. `at` is the statement that asked for it, so a
   * missing file is reported where it was referenced.
   */
  load(directory: string, at?: SourcePosition): Promise<LoadedBuildfile<T>> {
    const key = isRemote(directory) ? directory : normalizePath(directory);
    let loading = this.#cache.get(key);
    if (loading === undefined) {
      loading = this.#read(key, at).then((loaded) => {
        this.#ready.set(key, loaded);
        return loaded;
      });
      this.#cache.set(key, loading);
    }
    return loading;
  }

  /** {@link load}, but a Buildfile read before comes at once. */
  loadNow(directory: string, at?: SourcePosition): Maybe<LoadedBuildfile<T>> {
    return this.#ready.get(isRemote(directory) ? directory : normalizePath(directory)) ?? this.load(directory, at);
  }

  /** How many directories were read, for tests and the bench. */
  get size(): number {
    return this.#cache.size;
  }

  async #read(directory: string, at: SourcePosition | undefined): Promise<LoadedBuildfile<T>> {
    const remote = parseRemoteDirectoryKey(directory);
    if (remote !== undefined) return this.#readRemote(remote, at);
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

  async #readRemote(directory: RemoteDirectory, at: SourcePosition | undefined): Promise<LoadedBuildfile<T>> {
    const key = remoteDirectoryKey(directory);
    const files = this.#remote.files;
    if (files === undefined) {
      throw new EbuildError("semantic", `${key} is in a git repository: reading its Buildfile needs the BuildKit daemon`, {
        at,
        hint: "ebuild build and ebuild plan read remote Buildfiles through the daemon; start it with scripts/buildkit-up",
      });
    }
    const checkout = checkoutOf(directory, this.#remote.settings);
    for (const name of buildfileNames) {
      const inCheckout = directory.subdirectory === "" ? name : `${directory.subdirectory}/${name}`;
      const text = await readRemoteFile(files, checkout, inCheckout, key, at);
      if (text !== undefined) {
        const path = remoteFilePath(directory, name);
        return { directory: key, path, text, parsed: this.#parse(text, path) };
      }
    }
    throw new EbuildError("semantic", `no Buildfile or Earthfile in ${key} (cloned from ${describeCheckout(checkout)})`, {
      at,
      hint: directory.subdirectory === "" ? "check the repository and the ref of the reference" : `check the directory ${directory.subdirectory} and the ref of the reference`,
    });
  }
}

/**
 * One file of a checkout. A failed fetch names the reference, the URL tried and what to change;
 * a ref the repository does not have is the Buildfile's error (exit 2), an unreachable server a
 * failed build (exit 1).
 */
async function readRemoteFile(files: GitFiles, checkout: { url: string; ref: string }, path: string, key: string, at: SourcePosition | undefined): Promise<string | undefined> {
  try {
    return await files.readGitFile(checkout, path);
  } catch (error) {
    if (!(error instanceof EbuildError) || error.kind === "cancelled" || error.kind === "unreachable") throw error;
    const message = error.message.replace(/\s+/g, " ").trim();
    const missingRef = /does not contain ref|couldn't find remote ref|unknown revision/i.test(message);
    throw new EbuildError(missingRef ? "semantic" : "build", `cannot fetch ${key} from ${describeCheckout(checkout)}: ${message}`, {
      at,
      cause: error,
      hint: missingRef
        ? `the repository has no ref ${checkout.ref}: write an existing branch, tag or commit after ':'`
        : "check that the git server answers at that URL; to clone from another server or a mirror, set EBUILD_GIT_URL_INSTEAD_OF=BASE=PREFIX (see grammar/reference.md)",
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
