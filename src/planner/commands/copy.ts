/**
 * COPY from the build context (a `local` source per Buildfile directory, with include patterns so
 * only the named files travel; for a remote Buildfile, its directory in the git checkout) or from
 * other targets' artifacts. Copies get a constant mtime
 * unless `--keep-ts`, so the same inputs give the same layers on every machine.
 */
import { EbuildError } from "../../errors.js";
import type { CopyCommand } from "../../parser/ast.js";
import type { TargetBuild } from "../build-state.js";
import { positionOf } from "../expansion.js";
import { constantCopyTime, copy, local, type Chown, type CopyOptions, type SourceLocation, type State } from "../llb/index.js";
import { normalizePath, staysInside } from "../paths.js";

/** One source of a COPY, already expanded: a context path or the artifacts of a planned target. */
export type CopyFrom = { kind: "context"; path: string } | { kind: "artifact"; artifacts: State; path: string };

/**
 * The build context of the Buildfile a COPY is written in: a local directory the session serves
 * (by its `local` source name), or a directory of a git checkout.
 */
export type CopyContext =
  | { kind: "local"; name: string; sources?: Map<string, State>; uniqueId?: string }
  | { kind: "checkout"; state: State; directory: string };

/**
 * The context's `local` source sending `patterns`. COPYs naming the same files share one source
 * (`sources` keeps them per plan), so its op is written and hashed once.
 */
function contextSource(context: { name: string; sources?: Map<string, State>; uniqueId?: string }, patterns: readonly string[]): State {
  const key = patterns.join("\n");
  const known = context.sources?.get(key);
  if (known !== undefined) return known;
  const source = local(context.name, {
    ...(patterns.includes(".") ? {} : { includePatterns: [...patterns] }),
    // Outputs of a running build are staged in the project (src/cli/outputs); never upload them.
    excludePatterns: [".ebuild-staging-*"],
    sharedKeyHint: context.name,
    ...(context.uniqueId === undefined ? {} : { uniqueId: context.uniqueId }),
  });
  context.sources?.set(key, source);
  return source;
}

/** The options shared by every source of a COPY, from its flags (already expanded). */
export interface CopyFlags {
  chmod: string | undefined;
  chown: string | undefined;
}

/**
 * Applies a COPY. A local context is sent with only the paths this COPY names; a checkout is
 * already on the daemon.
 */
/**
 * `contextOf` is asked only when a source is in the build context: naming the context registers
 * it for upload, which a COPY of artifacts alone must not do.
 */
export function planCopy(build: TargetBuild, command: CopyCommand, sources: readonly CopyFrom[], dest: string, flags: CopyFlags, contextOf: () => CopyContext, location?: SourceLocation): void {
  const contextPaths: string[] = [];
  for (const s of sources) if (s.kind === "context") contextPaths.push(s.path);
  for (const path of contextPaths) {
    if (!staysInside(path)) {
      throw new EbuildError("semantic", `COPY ${path}: the build context is the Buildfile's directory; ${path} is outside it`, {
        at: positionOf(command.range),
        hint: "copy from a target in that directory instead (COPY ../dir+target/path)",
      });
    }
  }
  // Only the named paths travel; copying the context's root (".") sends all of it, since an
  // include pattern "." matches no file in the upload.
  const context = contextPaths.length === 0 ? undefined : contextOf();
  const contextState = context === undefined ? undefined : context.kind === "checkout" ? context.state : contextSource(context, contextPaths.map((p) => normalizePath(p)));
  const contextRoot = context?.kind === "checkout" && context.directory !== "" ? `/${context.directory}` : "";
  const plain = flags.chmod === undefined && flags.chown === undefined;
  const options: CopyOptions = plain
    ? sharedCopyOptions(command.flags)
    : {
        ...copyOptionsOf(command.flags),
        ...(flags.chmod === undefined ? {} : { mode: parseMode(flags.chmod, command) }),
        ...(flags.chown === undefined ? {} : { chown: parseChown(flags.chown) }),
      };
  // Several sources copy into a directory, as in Dockerfiles.
  const target = sources.length > 1 && !dest.endsWith("/") ? `${dest}/` : dest;
  let action;
  for (const source of sources) {
    const from = source.kind === "context" ? contextState! : source.artifacts;
    // --if-exists marks the path below the context's root (a checkout's directory exists).
    const optional = (path: string) => (command.flags.ifExists ? optionalPattern(normalizePath(path)) : path);
    const src = source.kind === "context" ? contextPath(contextRoot, optional(source.path)) : `/${optional(source.path)}`;
    action = action === undefined ? copy(from, src, target, options) : action.copy(from, src, target, options);
  }
  if (action !== undefined) build.state = build.state.file(action, { description: `COPY ${command.args.map((w) => w.text).join(" ")}`, location });
}

type CopyCommandFlags = CopyCommand["flags"];

function copyOptionsOf(flags: CopyCommandFlags): CopyOptions {
  return {
    followSymlinks: !flags.symlinkNoFollow,
    copyDirContentsOnly: !flags.dir,
    createDestPath: true,
    allowWildcard: true,
    allowEmptyWildcard: flags.ifExists,
    ...(flags.keepTs ? {} : { timestamp: constantCopyTime }),
  };
}

// Without --chmod or --chown a COPY's options take one of sixteen values: each is made once and
// shared (options are immutable), rather than once per COPY of a large build.
const copyOptionsByFlags = new Map<number, CopyOptions>();

function sharedCopyOptions(flags: CopyCommandFlags): CopyOptions {
  const key = (flags.symlinkNoFollow ? 1 : 0) | (flags.dir ? 2 : 0) | (flags.ifExists ? 4 : 0) | (flags.keepTs ? 8 : 0);
  let options = copyOptionsByFlags.get(key);
  if (options === undefined) copyOptionsByFlags.set(key, (options = Object.freeze(copyOptionsOf(flags))));
  return options;
}

/** A context path in the context's state: `/dir/path`, and `/dir` itself for ".". */
function contextPath(root: string, path: string): string {
  const normal = normalizePath(path);
  if (normal === ".") return root === "" ? "/." : root;
  return `${root}/${normal}`;
}

/**
 * `--if-exists`: a missing source is no error. BuildKit allows that only for wildcards, and it
 * resolves a wildcard by listing the directory above the first component that has one, which
 * must exist; a path's parent directories may be missing too (the context upload holds only what
 * exists). So one character of the first component becomes a one-character class
 * (`src/a.txt` → `[s]rc/a.txt`): the listing starts at the root and matches only that path.
 */
export function optionalPattern(path: string): string {
  const parts = path.split("/");
  const first = parts.findIndex((part) => part !== "");
  if (first === -1) return path;
  const component = parts[first]!;
  if (/[*?[]/.test(component) || component === "." || component === "..") return path;
  // A character with no meaning inside a class; a component made only of others stays as it is.
  const plain = component.search(/[A-Za-z0-9._ @+=,~%]/);
  if (plain === -1) return path;
  parts[first] = `${component.slice(0, plain)}[${component[plain]}]${component.slice(plain + 1)}`;
  return parts.join("/");
}

function parseMode(text: string, command: CopyCommand): number {
  if (!/^[0-7]{3,4}$/.test(text)) {
    throw new EbuildError("semantic", `--chmod ${text} is not an octal mode`, { at: positionOf(command.range), hint: "write e.g. --chmod 0755" });
  }
  return parseInt(text, 8);
}

/** `user[:group]`, names or numeric ids. */
export function parseChown(text: string): Chown {
  const [user = "", group] = text.split(":");
  const id = (s: string) => (/^\d+$/.test(s) ? Number(s) : s);
  return group === undefined ? { user: id(user) } : { user: id(user), group: id(group) };
}
