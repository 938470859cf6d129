/**
 * `plan()`: from an invoked target to the Plan the executor runs. Pure: files come through the
 * SourceReader, everything that needs a daemon through the Engine.
 */
import type { SourcePosition } from "../errors.js";
import { formatPlatform, marshal, outputDigests, parsePlatform, type State } from "./llb/index.js";
import { hostRunStepKey } from "./plan.js";
import type { ImageOutput, LocalArtifactOutput, Plan, PlannedOutput, PlannedPlatform, PlannedStep, PushRun, ReachEdge, SkippedEffect, TargetRun } from "./plan.js";
import { reachTargets, type ReachPlan, type ReachRequest } from "./reach.js";

export type PlanRequest = ReachRequest;

/** A Plan plus the walk it came from, for `ebuild plan` (the tree and every verdict). */
export interface PlanResult {
  plan: Plan;
  reach: ReachPlan;
}

/** Plans the entry target: its outputs, the effects that fire and those that do not, and why. */
export async function plan(request: PlanRequest): Promise<PlanResult> {
  const reach = await reachTargets(request);
  const label = (key: string) => reach.graph.label(key);
  // A target's run and its SAVE IMAGE usually share the final state: marshal each state once.
  const marshalled = new Map<State, Map<string, Uint8Array>>();
  const definitionOf = (state: State, platform: string) => {
    const byPlatform = marshalled.get(state) ?? new Map<string, Uint8Array>();
    marshalled.set(state, byPlatform);
    let bytes = byPlatform.get(platform);
    if (bytes === undefined) {
      bytes = marshal(state, { platform: parsePlatform(platform) }).definition;
      byPlatform.set(platform, bytes);
    }
    return bytes;
  };
  const targetOf = new Map(reach.targets.map((t) => [t.key, t]));

  // A target that only BUILDs others has nothing of its own to solve.
  const runs: TargetRun[] = reach.effects.built
    .filter((key) => finalState(reach, key).output !== undefined)
    .map((key) => {
      const target = targetOf.get(key)!;
      // A target BUILT after a WAIT block runs after that block's outputs were written.
      const state = finalState(reach, key);
      const platform = target.invocation.platform;
      const run: TargetRun = withDefinition(state, platform, definitionOf, {
        kind: "run" as const,
        target: label(key),
        at: target.at,
        ...(target.phase === 0 ? {} : { phase: target.phase }),
      });
      return run;
    });
  const images: ImageOutput[] = [];
  const artifacts: LocalArtifactOutput[] = [];
  const pushes: PushRun[] = [];
  const skipped: SkippedEffect[] = [];
  for (const verdict of reach.effects.verdicts) {
    const at = verdict.at;
    const target = label(verdict.invocation);
    if (!verdict.fires) {
      skipped.push({ kind: verdict.kind, target, what: verdict.what, reason: verdict.reason, ...(at === undefined ? {} : { at }) });
      continue;
    }
    const output = verdict.output;
    const phase = verdict.phase ?? 0;
    // An image is saved for its own platform; an artifact or push phase runs on its target's.
    const platform = output.kind === "image" ? output.platform : targetOf.get(verdict.invocation)!.invocation.platform;
    switch (output.kind) {
      case "image":
        // SAVE IMAGE without a name only marks the target for the cache: nothing to export.
        if (output.names.length === 0) break;
        images.push(withDefinition(output.state, platform, definitionOf, {
          kind: "image" as const,
          target,
          at,
          ...(phase === 0 ? {} : { phase }),
          names: output.names,
          push: output.push,
          insecure: output.insecure,
          config: output.config,
          platform: plannedPlatform(output.platform),
          ...(output.pushPhase ? { pushPhase: true } : {}),
        }));
        break;
      case "artifact":
        artifacts.push(withDefinition(output.state, platform, definitionOf, {
          kind: "artifact" as const,
          target,
          at,
          ...(phase === 0 ? {} : { phase }),
          baseDir: output.baseDir,
          destination: output.destination,
          shape: output.shape,
          force: output.force,
          ...(output.pushPhase ? { pushPhase: true } : {}),
          ...(output.finally === true ? { finally: true } : {}),
        }));
        break;
      case "push-run":
        pushes.push(withDefinition(output.state, platform, definitionOf, {
          kind: "push-run" as const,
          target,
          at,
          commands: output.commands,
        }));
        break;
    }
  }
  const outputs: PlannedOutput[] = [...runs, ...images, ...artifacts, ...pushes];
  let edges: ReachEdge[] | undefined;
  return {
    plan: {
      outputs,
      skipped,
      // Labelled when first read: only `ebuild plan --json` shows them (the tree reads the graph),
      // and a large build has an edge per BUILD, FROM and COPY of a target.
      get edges() {
        return (edges ??= reach.graph.edges
          .filter((e) => !e.from.startsWith("\u0000"))
          .map((e) => ({ from: label(e.from), to: label(e.to), kind: e.kind, ...(e.at === undefined ? {} : { at: e.at as SourcePosition }) })));
      },
      contexts: reach.contexts, secrets: reach.secrets, entitlements: reach.entitlements, entitlementsAt: reach.entitlementsAt, hostRuns: reach.hostRuns,
      steps: addHostSteps(reach, stepsOf(reach)),
    },
    reach,
  };
}

type Marshal = (state: State, platform: string) => Uint8Array;

/**
 * An output's definition, marshalled when first read: each carries its ancestors and the Buildfile
 * text, so planning thousands of outputs eagerly would build (and hold) gigabytes the executor
 * reads one at a time, and `ebuild plan` may not read at all. A getter on a prototype: one in each
 * output's literal would make every output a slow dictionary object.
 */
class LazyDefinition {
  readonly #state: State;
  readonly #platform: string;
  readonly #marshal: Marshal;

  constructor(state: State, platform: string, marshal: Marshal) {
    this.#state = state;
    this.#platform = platform;
    this.#marshal = marshal;
  }

  get definition(): Uint8Array {
    return this.#marshal(this.#state, this.#platform);
  }
}

function withDefinition<T extends object>(state: State, platform: string, marshal: Marshal, fields: T): T & { readonly definition: Uint8Array } {
  return Object.assign(new LazyDefinition(state, platform, marshal), fields);
}

/**
 * Op digest → the statement that made it. One walk per platform of every recorded state finds
 * each op's digest exactly as the outputs' definitions have it.
 */
function stepsOf(reach: ReachPlan): Map<string, PlannedStep> {
  // A Map: an object with ten thousand digest keys is a slow dictionary to fill and to read.
  const steps = new Map<string, PlannedStep>();
  for (const [platform, planned] of reach.steps) {
    const outputs = outputDigests(planned.states, { platform: parsePlatform(platform) });
    for (let i = 0; i < outputs.length; i++) {
      const digest = outputs[i]!;
      if (digest !== "" && !steps.has(digest)) steps.set(digest, planned.steps[i]!);
    }
  }
  return steps;
}

/** Each host run as a step, so progress shows it under its target with its Buildfile position. */
function addHostSteps(reach: ReachPlan, steps: Map<string, PlannedStep>): Map<string, PlannedStep> {
  reach.hostRuns.forEach((run, index) => {
    const command = "shell" in run.command ? run.command.shell : JSON.stringify(run.command.exec);
    steps.set(hostRunStepKey(index), { target: run.target, command: `LOCALLY RUN ${command}`, ...(run.at === undefined ? {} : { at: run.at }) });
  });
  return steps;
}

function finalState(reach: ReachPlan, key: string): State {
  return reach.results.get(key)!.state;
}

// Thousands of images name a handful of platforms.
const plannedPlatforms = new Map<string, PlannedPlatform>();

function plannedPlatform(text: string): PlannedPlatform {
  let planned = plannedPlatforms.get(text);
  if (planned === undefined) plannedPlatforms.set(text, (planned = platformOf(text)));
  return planned;
}

function platformOf(text: string): PlannedPlatform {
  const p = parsePlatform(text);
  const normal = parsePlatform(formatPlatform(p));
  return normal.variant === undefined ? { os: normal.os, architecture: normal.architecture } : { os: normal.os, architecture: normal.architecture, variant: normal.variant };
}
