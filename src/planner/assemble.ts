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
  // Definitions are marshalled when first read: each carries its ancestors and the Buildfile text,
  // so planning thousands of outputs eagerly would build (and hold) gigabytes the executor reads
  // one at a time, and `ebuild plan` may not read at all.
  // A getter in each output's literal (not defineProperty, which makes every output a slow dictionary object).
  const targetOf = new Map(reach.targets.map((t) => [t.key, t]));

  // A target that only BUILDs others has nothing of its own to solve.
  const runs: TargetRun[] = reach.effects.built
    .filter((key) => finalState(reach, key).output !== undefined)
    .map((key) => {
      const target = targetOf.get(key)!;
      // A target BUILT after a WAIT block runs after that block's outputs were written.
      const state = finalState(reach, key);
      const platform = target.invocation.platform;
      const run: TargetRun = {
        kind: "run",
        target: label(key),
        get definition() {
          return definitionOf(state, platform);
        },
        at: target.at,
        ...(target.phase === 0 ? {} : { phase: target.phase }),
      };
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
        images.push({
          kind: "image",
          target,
          get definition() {
            return definitionOf(output.state, platform);
          },
          at,
          ...(phase === 0 ? {} : { phase }),
          names: output.names,
          push: output.push,
          insecure: output.insecure,
          config: output.config,
          platform: plannedPlatform(output.platform),
          ...(output.pushPhase ? { pushPhase: true } : {}),
        });
        break;
      case "artifact":
        artifacts.push({
          kind: "artifact",
          target,
          get definition() {
            return definitionOf(output.state, platform);
          },
          at,
          ...(phase === 0 ? {} : { phase }),
          baseDir: output.baseDir,
          destination: output.destination,
          shape: output.shape,
          force: output.force,
          ...(output.pushPhase ? { pushPhase: true } : {}),
          ...(output.finally === true ? { finally: true } : {}),
        });
        break;
      case "push-run":
        pushes.push({
          kind: "push-run",
          target,
          get definition() {
            return definitionOf(output.state, platform);
          },
          at,
          commands: output.commands,
        });
        break;
    }
  }
  const outputs: PlannedOutput[] = [...runs, ...images, ...artifacts, ...pushes];
  const edges: ReachEdge[] = reach.graph.edges
    .filter((e) => !e.from.startsWith("\u0000"))
    .map((e) => ({ from: label(e.from), to: label(e.to), kind: e.kind, ...(e.at === undefined ? {} : { at: e.at as SourcePosition }) }));
  return {
    plan: { outputs, skipped, edges, contexts: reach.contexts, secrets: reach.secrets, entitlements: reach.entitlements, entitlementsAt: reach.entitlementsAt, hostRuns: reach.hostRuns, steps: addHostSteps(reach, stepsOf(reach)) },
    reach,
  };
}

/**
 * Op digest → the statement that made it. One walk per platform of every recorded state finds
 * each op's digest exactly as the outputs' definitions have it.
 */
function stepsOf(reach: ReachPlan): Record<string, PlannedStep> {
  const steps: Record<string, PlannedStep> = {};
  const byPlatform = new Map<string, Array<(typeof reach.steps)[number]>>();
  for (const entry of reach.steps) {
    const list = byPlatform.get(entry.platform);
    if (list === undefined) byPlatform.set(entry.platform, [entry]);
    else list.push(entry);
  }
  for (const [platform, entries] of byPlatform) {
    const outputs = outputDigests(
      entries.map((e) => e.state),
      { platform: parsePlatform(platform) },
    );
    entries.forEach((entry, i) => {
      const digest = outputs[i];
      if (digest !== undefined && digest !== "" && steps[digest] === undefined) steps[digest] = entry.step;
    });
  }
  return steps;
}

/** Each host run as a step, so progress shows it under its target with its Buildfile position. */
function addHostSteps(reach: ReachPlan, steps: Record<string, PlannedStep>): Record<string, PlannedStep> {
  // Added in place: spreading thousands of op steps into a new object would copy every one.
  reach.hostRuns.forEach((run, index) => {
    const command = "shell" in run.command ? run.command.shell : JSON.stringify(run.command.exec);
    steps[hostRunStepKey(index)] = { target: run.target, command: `LOCALLY RUN ${command}`, ...(run.at === undefined ? {} : { at: run.at }) };
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
