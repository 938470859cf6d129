/**
 * An invocation is a target planned with given overrides for a given platform. Identical invocations
 * (same target, same overrides, same platform) are planned once: the canonical key below names them.
 * The stack of invocations being planned detects cycles and reports them with the chain.
 */
import { EbuildError, type SourcePosition } from "../errors.js";
import { relativePath } from "./paths.js";
import { isRemote } from "./remote.js";

/** How one target reaches another. DO inlines a function into the caller. */
export type EdgeKind = "BUILD" | "FROM" | "COPY" | "DO" | "LOAD";

/** A target with its overrides and platform. */
export interface Invocation {
  /** Absolute directory of the target's Buildfile, or a remote directory's key (`host/org/repo/sub:ref`). */
  directory: string;
  name: string;
  /** ARG overrides (`--V=1`) in the order given; the key sorts them. */
  overrides: ReadonlyArray<readonly [string, string]>;
  /** The platform it is planned for, `os/arch[/variant]`. */
  platform: string;
}

/** The canonical key: equal for invocations that must be planned once. */
export function invocationKey(invocation: Invocation): string {
  const overrides = invocation.overrides.length === 0 ? "" : [...canonicalOverrides(invocation.overrides)].map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(" ");
  return `${invocation.directory}+${invocation.name} [${overrides}] ${invocation.platform}`;
}

/**
 * How users see an invocation: `+build --V=1`, `./svc+build`, relative to the entry's directory;
 * a remote one as it is referenced, `host/org/repo/sub:ref+build`. The platform is shown only when
 * it is not the default one.
 */
export function describeInvocation(invocation: Invocation, entryDirectory: string, defaultPlatform?: string): string {
  const home = describeDirectory(invocation.directory, entryDirectory);
  const overrides = invocation.overrides.length === 0 ? "" : [...canonicalOverrides(invocation.overrides)].map(([k, v]) => ` --${k}=${v}`).join("");
  const platform = defaultPlatform !== undefined && invocation.platform !== defaultPlatform ? ` (${invocation.platform})` : "";
  return `${home}+${invocation.name}${overrides}${platform}`;
}

/** A directory as a reference's prefix: "" for the entry's, `./svc`, `../lib`, or a remote key. */
export function describeDirectory(directory: string, entryDirectory: string): string {
  if (isRemote(directory)) return directory;
  const rel = relativePath(entryDirectory, directory);
  return rel === "." ? "" : rel.startsWith("..") ? rel : `./${rel}`;
}

/** Overrides with the last value of each name winning, sorted by name. */
function canonicalOverrides(overrides: ReadonlyArray<readonly [string, string]>): ReadonlyMap<string, string> {
  // Most invocations have none or one: no sorting to do.
  if (overrides.length === 0) return noOverrides;
  if (overrides.length === 1) return new Map([overrides[0]!]);
  const byName = new Map<string, string>();
  for (const [name, value] of overrides) byName.set(name, value);
  return new Map([...byName].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** No overrides: shared by every invocation without any (nothing writes to it). */
export const noOverrides: ReadonlyMap<string, string> = new Map();

interface Frame {
  key: string;
  label: string;
  /** The edge that entered this frame (none for the entry). */
  via: { kind: EdgeKind; at: SourcePosition | undefined } | undefined;
}

/**
 * The invocations currently being planned, innermost last. Entering one that is already on the
 * stack is a cycle: a target that needs itself (through FROM or COPY), or BUILDs that never end.
 */
export class InvocationStack {
  readonly #frames: Frame[] = [];

  get depth(): number {
    return this.#frames.length;
  }

  /** Pushes an invocation, or throws the cycle it would close, positioned at the closing edge. */
  enter(key: string, label: string, via?: { kind: EdgeKind; at: SourcePosition | undefined }): void {
    const start = this.#frames.findIndex((frame) => frame.key === key);
    if (start >= 0) {
      const cycle = this.#frames.slice(start);
      const chain = [...cycle.map((f) => f.label), label].join(" → ");
      const kinds = new Set([...cycle.slice(1).map((f) => f.via?.kind), via?.kind]);
      const onlyBuild = kinds.size === 1 && kinds.has("BUILD");
      throw new EbuildError("semantic", `${onlyBuild ? "BUILD" : "target"} cycle: ${chain}`, {
        at: via?.at,
        hint: onlyBuild
          ? "these targets BUILD each other without end; remove one of the BUILD commands"
          : "a target cannot use its own result (through FROM, COPY or BUILD); move the shared steps into a third target",
      });
    }
    this.#frames.push({ key, label, via });
  }

  /** Pops the innermost invocation, which must be `key`. */
  leave(key: string): void {
    const top = this.#frames.pop();
    if (top?.key !== key) throw new EbuildError("internal", `invocation stack out of order: left ${key}, top was ${top?.key}`);
  }

  /** The labels from the entry to the innermost invocation, for messages. */
  chain(): string[] {
    return this.#frames.map((f) => f.label);
  }
}
