/**
 * File ops: copy, mkdir, mkfile and rm. Actions chain (`copy(…).mkdir(…)`) and a chain becomes a
 * single FileOp applied to a state, each action working on the result of the one before.
 */
import { EbuildError } from "../../errors.js";
import type { OpMetadata } from "../../gen/pb/ops_pb.js";
import { opMetadata, writeConstraints, type OpOptions } from "./constraints.js";
import { cleanPath, isAbsPath, joinPath, resolvePath } from "./paths.js";
import type { State } from "./state.js";
import type { SourceLocation } from "./sourcemap.js";
import { addInput, writeInputs, type EncodeContext, type OpInput, type Output, type Vertex } from "./vertex.js";
import type { WireWriter } from "./wire.js";
import type { WrittenOp } from "./written-op.js";

/**
 * The mtime COPY gives files unless asked to keep theirs (Earthly's constant, 2020-04-16 12:00:00 UTC),
 * so copies of the same content have the same cache key whenever they were made.
 */
export const constantCopyTime = new Date(Date.UTC(2020, 3, 16, 12, 0, 0));

/** An owner by name (looked up in the target's /etc/passwd and /etc/group) or by numeric id. */
export interface Chown {
  readonly user?: string | number;
  readonly group?: string | number;
}

/** Options of a copy. */
export interface CopyOptions {
  /** Copy what a symlink source points to instead of the link. */
  readonly followSymlinks?: boolean;
  /** For a directory source, copy its contents rather than the directory itself. */
  readonly copyDirContentsOnly?: boolean;
  /** Unpack archives like Dockerfile ADD. */
  readonly attemptUnpack?: boolean;
  /** Create missing parent directories of the destination. */
  readonly createDestPath?: boolean;
  /** Treat the source as a wildcard pattern. */
  readonly allowWildcard?: boolean;
  /** A wildcard matching nothing is not an error. */
  readonly allowEmptyWildcard?: boolean;
  /** Permission bits of the copied files (default: keep theirs). */
  readonly mode?: number;
  readonly chown?: Chown;
  /** The mtime of the copied files (default: keep theirs); see {@link constantCopyTime}. */
  readonly timestamp?: Date;
  readonly includePatterns?: readonly string[];
  readonly excludePatterns?: readonly string[];
}

/** Options of a mkdir. */
export interface MkdirOptions {
  /** Create missing parents, like `mkdir -p`. */
  readonly parents?: boolean;
  readonly chown?: Chown;
  readonly timestamp?: Date;
}

/** Options of a mkfile. */
export interface MkfileOptions {
  readonly chown?: Chown;
  readonly timestamp?: Date;
}

/** Options of a rm. */
export interface RmOptions {
  readonly allowNotFound?: boolean;
  readonly allowWildcard?: boolean;
}

type Step =
  | { readonly kind: "copy"; readonly from: State; readonly src: string; readonly dest: string; readonly options: CopyOptions }
  | { readonly kind: "mkdir"; readonly path: string; readonly mode: number; readonly options: MkdirOptions }
  | { readonly kind: "mkfile"; readonly path: string; readonly mode: number; readonly data: Uint8Array; readonly options: MkfileOptions }
  | { readonly kind: "rm"; readonly path: string; readonly options: RmOptions };

/** An immutable chain of file actions; apply it with `state.file(action)`. */
export class FileAction {
  private constructor(
    /** @internal */
    readonly steps: readonly Step[],
  ) {}

  /** @internal */
  static of(step: Step): FileAction {
    return new FileAction([step]);
  }

  /** Then copies `src` (relative to `from`'s working directory) from `from` to `dest`. */
  copy(from: State, src: string, dest: string, options: CopyOptions = {}): FileAction {
    return new FileAction([...this.steps, { kind: "copy", from, src, dest, options }]);
  }

  /** Then creates a directory with permission bits `mode`. */
  mkdir(path: string, mode: number, options: MkdirOptions = {}): FileAction {
    return new FileAction([...this.steps, { kind: "mkdir", path, mode, options }]);
  }

  /** Then writes a file with `data` and permission bits `mode`. */
  mkfile(path: string, mode: number, data: string | Uint8Array, options: MkfileOptions = {}): FileAction {
    return new FileAction([...this.steps, { kind: "mkfile", path, mode, data: bytes(data), options }]);
  }

  /** Then removes a path. */
  rm(path: string, options: RmOptions = {}): FileAction {
    return new FileAction([...this.steps, { kind: "rm", path, options }]);
  }
}

/** Copies `src` (relative to `from`'s working directory) from `from` to `dest`. */
export function copy(from: State, src: string, dest: string, options: CopyOptions = {}): FileAction {
  return FileAction.of({ kind: "copy", from, src, dest, options });
}

/** Creates a directory with permission bits `mode`. */
export function mkdir(path: string, mode: number, options: MkdirOptions = {}): FileAction {
  return FileAction.of({ kind: "mkdir", path, mode, options });
}

/** Writes a file with `data` and permission bits `mode`. */
export function mkfile(path: string, mode: number, data: string | Uint8Array, options: MkfileOptions = {}): FileAction {
  return FileAction.of({ kind: "mkfile", path, mode, data: bytes(data), options });
}

/** Removes a path. */
export function rm(path: string, options: RmOptions = {}): FileAction {
  return FileAction.of({ kind: "rm", path, options });
}

function bytes(data: string | Uint8Array): Uint8Array {
  return typeof data === "string" ? new TextEncoder().encode(data) : data;
}

/** A chain of file actions applied to a state: one FileOp. */
export class FileVertex implements Vertex, Output {
  written: WrittenOp | undefined = undefined;
  constructor(
    readonly base: State,
    readonly action: FileAction,
    readonly options: OpOptions,
  ) {
    if (action.steps.length === 0) throw new EbuildError("internal", "a file op needs at least one action");
  }

  /**
   * A file op is its own (only) output: no {vertex, index} object per op, and a plan keeps one
   * per COPY. Getters on the prototype, so no field either.
   */
  get vertex(): FileVertex {
    return this;
  }

  get index(): number {
    return 0;
  }

  inputs(): Output[] {
    const outputs: Output[] = [];
    if (this.base.output) outputs.push(this.base.output);
    for (const step of this.action.steps) {
      if (step.kind === "copy" && step.from.output) outputs.push(step.from.output);
    }
    return outputs;
  }

  write(w: WireWriter, ctx: EncodeContext): void {
    const inputs: OpInput[] = [];
    const parent = this.base.getDir();
    const steps = this.action.steps;
    // Inputs are added in BuildKit's order: the base, then each copy's source, action by action.
    const base = this.base.output ? addInput(inputs, ctx.inputOf(this.base.output)) : -1;
    const secondary = steps.map((s) =>
      s.kind === "copy" && s.from.output ? addInput(inputs, ctx.inputOf(s.from.output)) : -1,
    );
    writeInputs(w, inputs);
    w.begin(4); // Op.file
    steps.forEach((step, i) => {
      // An index past the inputs names the result of an earlier action.
      w.begin(2)
        .int(1, i === 0 ? base : inputs.length + i - 1)
        .int(2, secondary[i]!)
        .int(3, i === steps.length - 1 ? 0 : -1);
      writeStep(w, step, parent, base);
      w.end();
    });
    w.end();
    // File ops are not platform specific.
    writeConstraints(w, this.options.workerConstraints);
  }

  metadata(): OpMetadata {
    const caps = ["file.base"];
    const patterns = this.action.steps.some((s) => s.kind === "copy" && (s.options.includePatterns?.length || s.options.excludePatterns?.length));
    if (patterns) caps.push("file.copy.includeexcludepatterns");
    return opMetadata(this.options, caps);
  }

  locations(): readonly SourceLocation[] {
    return this.options.location ? [this.options.location] : [];
  }
}

/** Writes one action of FileAction's oneof (copy 4, mkfile 5, mkdir 6, rm 7). */
function writeStep(w: WireWriter, step: Step, parent: string, base: number): void {
  switch (step.kind) {
    case "copy": {
      const o = step.options;
      const src = cleanPath(step.src);
      w.begin(4)
        .string(1, isAbsPath(src) ? src : joinPath(step.from.getDir(), src))
        .string(2, resolvePath(parent, step.dest, true));
      writeChown(w, 3, o.chown, base);
      w.int(4, o.mode ?? -1)
        .bool(5, o.followSymlinks ?? false)
        .bool(6, o.copyDirContentsOnly ?? false)
        .bool(7, o.attemptUnpack ?? false)
        .bool(8, o.createDestPath ?? false)
        .bool(9, o.allowWildcard ?? false)
        .bool(10, o.allowEmptyWildcard ?? false)
        .bigint(11, nanos(o.timestamp));
      for (const p of o.includePatterns ?? []) w.stringItem(12, p);
      for (const p of o.excludePatterns ?? []) w.stringItem(13, p);
      w.end();
      return;
    }
    case "mkfile":
      w.begin(5).string(1, resolvePath(parent, step.path)).int(2, step.mode).bytes(3, step.data);
      writeChown(w, 4, step.options.chown, base);
      w.bigint(5, nanos(step.options.timestamp)).end();
      return;
    case "mkdir":
      w.begin(6).string(1, resolvePath(parent, step.path)).int(2, step.mode).bool(3, step.options.parents ?? false);
      writeChown(w, 4, step.options.chown, base);
      w.bigint(5, nanos(step.options.timestamp)).end();
      return;
    case "rm":
      w.begin(7)
        .string(1, resolvePath(parent, step.path))
        .bool(2, step.options.allowNotFound ?? false)
        .bool(3, step.options.allowWildcard ?? false)
        .end();
      return;
  }
}

/** -1 means "keep the file's own time" on the wire. */
function nanos(time: Date | undefined): bigint {
  if (time === undefined) return -1n;
  const ms = time.getTime();
  // Nearly every COPY has the constant copy time: its BigInt is made once.
  if (ms !== lastMillis) {
    lastMillis = ms;
    lastNanos = BigInt(ms) * 1_000_000n;
  }
  return lastNanos;
}

let lastMillis = Number.NaN;
let lastNanos = 0n;

/** Writes a pb.ChownOpt as field `field`, when there is an owner. */
function writeChown(w: WireWriter, field: number, owner: Chown | undefined, base: number): void {
  if (!owner) return;
  w.begin(field);
  writeUser(w, 1, owner.user, base);
  writeUser(w, 2, owner.group, base);
  w.end();
}

/** Names resolve against the base input's /etc/passwd; numbers (and numeric strings) are ids. */
function writeUser(w: WireWriter, field: number, who: string | number | undefined, base: number): void {
  if (who === undefined || who === "") return;
  w.begin(field);
  // UserOpt's oneof: by_name (1) or by_id (2), written even when the id is 0.
  if (typeof who === "number" || /^\d+$/.test(who)) w.intItem(2, Number(who));
  else w.begin(1).string(1, who).int(2, base).end();
  w.end();
}
