/**
 * File ops: copy, mkdir, mkfile and rm. Actions chain (`copy(…).mkdir(…)`) and a chain becomes a
 * single FileOp applied to a state, each action working on the result of the one before.
 */
import { create } from "@bufbuild/protobuf";
import { EbuildError } from "../../errors.js";
import {
  ChownOptSchema,
  FileActionCopySchema,
  FileActionMkDirSchema,
  FileActionMkFileSchema,
  FileActionRmSchema,
  FileActionSchema,
  FileOpSchema,
  NamedUserOptSchema,
  OpSchema,
  UserOptSchema,
  type ChownOpt,
  type FileAction as FileActionMessage,
  type Input,
  type UserOpt,
} from "../../gen/pb/ops_pb.js";
import { opMetadata, workerConstraintsMessage, type OpOptions } from "./constraints.js";
import { cleanPath, isAbsPath, joinPath, resolvePath } from "./paths.js";
import type { State } from "./state.js";
import { addInput, type EncodeContext, type EncodedOp, type Output, type Vertex } from "./vertex.js";

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
export class FileVertex implements Vertex {
  constructor(
    readonly base: State,
    readonly action: FileAction,
    readonly options: OpOptions,
  ) {
    if (action.steps.length === 0) throw new EbuildError("internal", "a file op needs at least one action");
  }

  inputs(): Output[] {
    const outputs: Output[] = [];
    if (this.base.output) outputs.push(this.base.output);
    for (const step of this.action.steps) {
      if (step.kind === "copy" && step.from.output) outputs.push(step.from.output);
    }
    return outputs;
  }

  encode(ctx: EncodeContext): EncodedOp {
    const caps = new Set(["file.base"]);
    const inputs: Input[] = [];
    const parent = this.base.getDir();
    const steps = this.action.steps;
    // Inputs are added in BuildKit's order: the base, then each copy's source, action by action.
    const base = this.base.output ? addInput(inputs, ctx.inputOf(this.base.output)) : -1;
    const secondary = steps.map((s) =>
      s.kind === "copy" && s.from.output ? addInput(inputs, ctx.inputOf(s.from.output)) : -1,
    );
    // An index past the inputs names the result of an earlier action.
    const actions = steps.map((step, i): FileActionMessage =>
      create(FileActionSchema, {
        input: BigInt(i === 0 ? base : inputs.length + i - 1),
        secondaryInput: BigInt(secondary[i]!),
        output: i === steps.length - 1 ? 0n : -1n,
        action: encodeStep(step, parent, base, caps),
      }),
    );
    const op = create(OpSchema, {
      inputs,
      op: { case: "file", value: create(FileOpSchema, { actions }) },
      // File ops are not platform specific.
      constraints: workerConstraintsMessage(this.options.workerConstraints),
    });
    return {
      op,
      metadata: opMetadata(this.options, caps),
      locations: this.options.location ? [this.options.location] : [],
    };
  }
}

function encodeStep(step: Step, parent: string, base: number, caps: Set<string>): FileActionMessage["action"] {
  switch (step.kind) {
    case "copy": {
      const o = step.options;
      if (o.includePatterns?.length || o.excludePatterns?.length) caps.add("file.copy.includeexcludepatterns");
      const src = cleanPath(step.src);
      return {
        case: "copy",
        value: create(FileActionCopySchema, {
          src: isAbsPath(src) ? src : joinPath(step.from.getDir(), src),
          dest: resolvePath(parent, step.dest, true),
          owner: chown(o.chown, base),
          mode: o.mode ?? -1,
          followSymlink: o.followSymlinks ?? false,
          dirCopyContents: o.copyDirContentsOnly ?? false,
          attemptUnpackDockerCompatibility: o.attemptUnpack ?? false,
          createDestPath: o.createDestPath ?? false,
          allowWildcard: o.allowWildcard ?? false,
          allowEmptyWildcard: o.allowEmptyWildcard ?? false,
          timestamp: nanos(o.timestamp),
          includePatterns: [...(o.includePatterns ?? [])],
          excludePatterns: [...(o.excludePatterns ?? [])],
        }),
      };
    }
    case "mkdir":
      return {
        case: "mkdir",
        value: create(FileActionMkDirSchema, {
          path: resolvePath(parent, step.path),
          mode: step.mode,
          makeParents: step.options.parents ?? false,
          owner: chown(step.options.chown, base),
          timestamp: nanos(step.options.timestamp),
        }),
      };
    case "mkfile":
      return {
        case: "mkfile",
        value: create(FileActionMkFileSchema, {
          path: resolvePath(parent, step.path),
          mode: step.mode,
          data: step.data,
          owner: chown(step.options.chown, base),
          timestamp: nanos(step.options.timestamp),
        }),
      };
    case "rm":
      return {
        case: "rm",
        value: create(FileActionRmSchema, {
          path: resolvePath(parent, step.path),
          allowNotFound: step.options.allowNotFound ?? false,
          allowWildcard: step.options.allowWildcard ?? false,
        }),
      };
  }
}

/** -1 means "keep the file's own time" on the wire. */
function nanos(time: Date | undefined): bigint {
  return time === undefined ? -1n : BigInt(time.getTime()) * 1_000_000n;
}

function chown(owner: Chown | undefined, base: number): ChownOpt | undefined {
  if (!owner) return undefined;
  return create(ChownOptSchema, { user: userOpt(owner.user, base), group: userOpt(owner.group, base) });
}

/** Names resolve against the base input's /etc/passwd; numbers (and numeric strings) are ids. */
function userOpt(who: string | number | undefined, base: number): UserOpt | undefined {
  if (who === undefined || who === "") return undefined;
  if (typeof who === "number" || /^\d+$/.test(who)) {
    return create(UserOptSchema, { user: { case: "byId", value: Number(who) } });
  }
  return create(UserOptSchema, { user: { case: "byName", value: create(NamedUserOptSchema, { name: who, input: BigInt(base) }) } });
}
