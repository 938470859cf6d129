/**
 * SAVE effects and when they fire. A target's SAVE IMAGE, SAVE ARTIFACT … AS LOCAL and RUN --push
 * fire only when the target is the one invoked or is reached from it through an unbroken chain of
 * BUILD commands. FROM, COPY and WITH DOCKER --load use a target's result without firing its effects;
 * a target reached both ways fires them. A function's statements belong to the target that DOes it,
 * so the planner records them under the caller and DO edges are shown but never propagate.
 *
 * The graph is data the planner fills while planning; `resolve` decides, once planning is done,
 * which statements fire, and keeps the others with the reason, for `ebuild plan`.
 */
import { EbuildError, type SourcePosition } from "../errors.js";
import type { EdgeKind } from "./invocation.js";

export type SaveKind = "image" | "artifact" | "push-run";

/** One SAVE statement (or RUN --push) of one invocation, with what the executor needs as `output`. */
export interface SaveStatement<O> {
  kind: SaveKind;
  /** The key of the invocation it belongs to (a function's statements belong to the caller). */
  invocation: string;
  /** What it saves, for people: image names, the AS LOCAL destination, the pushed command. */
  what: string;
  at: SourcePosition | undefined;
  /**
   * SAVE IMAGE: the names and the platform, checked for duplicates among the firing statements;
   * `single` (--no-manifest-list) forbids saving a name for several platforms.
   */
  image?: { names: readonly string[]; platform: string; single?: boolean };
  /** WAIT blocks: statements of phase n are carried out before phase n+1 starts. */
  phase?: number;
  output: O;
}

/** How one invocation reached another. */
export interface ReachEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  at: SourcePosition | undefined;
}

/** A statement with its verdict. */
export interface SaveVerdict<O> extends SaveStatement<O> {
  fires: boolean;
  /** Why it does not fire; empty when it fires. */
  reason: string;
}

export interface ResolvedEffects<O> {
  /** Invocation keys whose final state is built: the entry and every BUILD-reached one, entry first. */
  built: string[];
  /** Every statement in planning order, firing or not. */
  verdicts: SaveVerdict<O>[];
}

export interface ResolveOptions {
  /** How positions appear in reasons; defaults to `file:line`. */
  formatAt?: (at: SourcePosition) => string;
}

export class EffectGraph<O> {
  readonly #labels = new Map<string, string>();
  readonly #edges: ReachEdge[] = [];
  readonly #statements: SaveStatement<O>[] = [];

  /** Registers an invocation with the label users see (`+build --V=1`). */
  addInvocation(key: string, label: string): void {
    if (!this.#labels.has(key)) this.#labels.set(key, label);
  }

  addEdge(edge: ReachEdge): void {
    this.#edges.push(edge);
  }

  addStatement(statement: SaveStatement<O>): void {
    this.#statements.push(statement);
  }

  /** The names an invocation's SAVE IMAGE statements give, in order (what WITH DOCKER --load calls it). */
  imageNamesOf(key: string): string[] {
    return this.#statements.filter((s) => s.invocation === key && s.image !== undefined).flatMap((s) => [...s.image!.names]);
  }

  label(key: string): string {
    return this.#labels.get(key) ?? key;
  }

  get edges(): readonly ReachEdge[] {
    return this.#edges;
  }

  /** Decides which statements fire when `entry` is the invoked target. */
  resolve(entry: string, options: ResolveOptions = {}): ResolvedEffects<O> {
    const formatAt = options.formatAt ?? ((at: SourcePosition) => `${at.file}:${at.line}`);
    const built = this.#buildReachable(entry);
    const firing = new Set(built);
    // Edges by target, only needed to explain a statement that does not fire.
    let incoming: Map<string, ReachEdge[]> | undefined;
    const incomingOf = (key: string): ReachEdge[] => {
      if (incoming === undefined) {
        incoming = new Map();
        for (const edge of this.#edges) pushTo(incoming, edge.to, edge);
      }
      return incoming.get(key) ?? [];
    };
    const verdicts = this.#statements.map((s): SaveVerdict<O> => {
      const fires = firing.has(s.invocation);
      const reason = fires ? "" : this.#whyNot(s.invocation, incomingOf(s.invocation), firing, formatAt);
      // Field by field, not a spread: one literal shape for thousands of verdicts is faster to make and read.
      return { kind: s.kind, invocation: s.invocation, what: s.what, at: s.at, image: s.image, phase: s.phase, output: s.output, fires, reason };
    });
    checkDuplicateImages(verdicts, formatAt);
    return { built, verdicts };
  }

  /** Breadth-first over BUILD edges from the entry, in the order edges were planned. */
  #buildReachable(entry: string): string[] {
    const builds = new Map<string, string[]>();
    for (const edge of this.#edges) {
      if (edge.kind === "BUILD") pushTo(builds, edge.from, edge.to);
    }
    const order = [entry];
    const seen = new Set(order);
    for (let i = 0; i < order.length; i++) {
      for (const to of builds.get(order[i]!) ?? []) {
        if (!seen.has(to)) {
          seen.add(to);
          order.push(to);
        }
      }
    }
    return order;
  }

  #whyNot(key: string, incoming: readonly ReachEdge[], firing: ReadonlySet<string>, formatAt: (at: SourcePosition) => string): string {
    const where = (e: ReachEdge) => (e.at === undefined ? "" : ` at ${formatAt(e.at)}`);
    const advice = ` — add BUILD ${this.label(key)} to fire it`;
    const used = incoming.find((e) => e.kind !== "BUILD" && e.kind !== "DO");
    if (used !== undefined) {
      return `reached only through ${used.kind} from ${this.label(used.from)}${where(used)}${advice}`;
    }
    const built = incoming.find((e) => e.kind === "BUILD" && !firing.has(e.from));
    if (built !== undefined) {
      return `reached through BUILD from ${this.label(built.from)}${where(built)}, whose effects do not fire${advice}`;
    }
    return `not reached from the invoked target${advice}`;
  }
}

function pushTo<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

/** Two firing SAVE IMAGE statements may not give the same name for the same platform. */
function checkDuplicateImages<O>(verdicts: ReadonlyArray<SaveVerdict<O>>, formatAt: (at: SourcePosition) => string): void {
  // By platform, then name: no key string to build per image.
  const seen = new Map<string, Map<string, SaveVerdict<O>>>();
  // Images of one platform (most builds) cannot make a manifest list: no name to track across platforms.
  let onePlatform: string | undefined;
  let manyPlatforms = false;
  for (const v of verdicts) {
    if (!v.fires || v.image === undefined) continue;
    onePlatform ??= v.image.platform;
    if (v.image.platform !== onePlatform) manyPlatforms = true;
  }
  const platformsOf = new Map<string, SaveVerdict<O>>();
  for (const verdict of verdicts) {
    if (!verdict.fires || verdict.image === undefined) continue;
    for (const name of verdict.image.names) {
      // One name from several platforms is a manifest list, which --no-manifest-list refuses.
      const other = manyPlatforms ? platformsOf.get(name) : undefined;
      if (other !== undefined && other.image!.platform !== verdict.image.platform && (other.image!.single || verdict.image.single)) {
        const single = verdict.image.single ? verdict : other;
        throw new EbuildError("semantic", `image ${name} is saved for ${other.image!.platform} and ${verdict.image.platform}, but SAVE IMAGE --no-manifest-list makes it one platform's`, {
          at: single.at,
          hint: "drop --no-manifest-list to push one multi-platform image, or give each platform its own name",
        });
      }
      if (manyPlatforms) platformsOf.set(name, verdict);
      let names = seen.get(verdict.image.platform);
      if (names === undefined) seen.set(verdict.image.platform, (names = new Map()));
      const first = names.get(name);
      if (first === undefined) {
        names.set(name, verdict);
        continue;
      }
      const firstAt = first.at === undefined ? "another statement" : formatAt(first.at);
      throw new EbuildError("semantic", `image ${name} is saved twice for ${verdict.image.platform} (first at ${firstAt})`, {
        at: verdict.at,
        hint: "give each SAVE IMAGE its own name, or build the targets for different platforms",
      });
    }
  }
}
