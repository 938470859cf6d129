/**
 * Privileged commands written in remote Buildfiles, as Earthly rules them: a remote target may run
 * `RUN --privileged` only when the reference that reaches it says `--allow-privileged` (on BUILD,
 * FROM, COPY, or the IMPORT of its alias), and the user still has to pass `-P`. Trust flows from
 * local Buildfiles: a remote invocation is trusted when an edge from a trusted one allows it, or
 * comes from a trusted target of the same repository at the same ref. A remote function's
 * privileged RUN needs `DO --allow-privileged` (or a trusted caller of its own checkout).
 */
import { EbuildError, type SourcePosition } from "../errors.js";
import { isRemote, sameCheckout } from "./remote.js";

interface PrivilegedRun {
  /** The invocation the RUN belongs to (a function's RUN belongs to its caller). */
  key: string;
  label: string;
  /** False when a DO on the way to it did not allow privileged commands. */
  allowedByCalls: boolean;
  at: SourcePosition;
}

export class RemotePrivileges {
  /**
   * Incoming edges of remote invocations, and the directories of remote invocations: local ones
   * are trusted whatever reaches them, so a local build (most) records nothing.
   */
  readonly #incoming = new Map<string, Array<{ from: string; allowed: boolean }>>();
  readonly #directories = new Map<string, string>();
  readonly #runs: PrivilegedRun[] = [];

  /** Records an invocation's directory (a local path or a remote key). */
  addInvocation(key: string, directory: string): void {
    if (isRemote(directory)) this.#directories.set(key, directory);
  }

  /** Records that `from` reaches `to`, with or without `--allow-privileged`. */
  addEdge(from: string, to: string, allowed: boolean): void {
    if (!this.#directories.has(to)) return; // `to` is local (its invocation is recorded first)
    const list = this.#incoming.get(to) ?? [];
    list.push({ from, allowed });
    this.#incoming.set(to, list);
  }

  /** Records a `RUN --privileged` written in a remote Buildfile. */
  addRun(run: PrivilegedRun): void {
    this.#runs.push(run);
  }

  /** Throws for the first privileged RUN of a remote Buildfile that no reference allowed. */
  check(entries: readonly string[]): void {
    if (this.#runs.length === 0) return;
    const trusted = this.#trusted(entries);
    for (const run of this.#runs) {
      if (run.allowedByCalls && trusted(run.key)) continue;
      throw new EbuildError("privileged", `RUN --privileged in ${run.label} comes from a remote Buildfile that was not allowed to run privileged commands`, {
        at: run.at,
        hint: run.allowedByCalls
          ? `add --allow-privileged to the BUILD, FROM, COPY or IMPORT that references ${run.label}, and run ebuild -P if you trust it`
          : "add --allow-privileged to the DO (or the IMPORT of its alias) that calls this function, and run ebuild -P if you trust it",
      });
    }
  }

  /** Whether an invocation is trusted: local ones (not recorded) are, and remote ones trust reaches. */
  #trusted(entries: readonly string[]): (key: string) => boolean {
    const trusted = new Set<string>(entries);
    const isTrusted = (key: string) => trusted.has(key) || !this.#directories.has(key);
    // Trust spreads along allowing edges (and edges within one checkout) until nothing changes.
    for (let changed = true; changed; ) {
      changed = false;
      for (const [to, edges] of this.#incoming) {
        if (trusted.has(to)) continue;
        if (edges.some((e) => isTrusted(e.from) && (e.allowed || this.#sameCheckout(e.from, to)))) {
          trusted.add(to);
          changed = true;
        }
      }
    }
    return isTrusted;
  }

  #sameCheckout(a: string, b: string): boolean {
    return sameCheckout(this.#directories.get(a) ?? "/", this.#directories.get(b) ?? "/");
  }
}
