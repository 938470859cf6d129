/**
 * Artifact mode (`-a +t/path [dest]`) and image mode (`--image +t`), as Earthly has them: the
 * target is planned as usual, but only that one artifact or the target's own image is output;
 * every other SAVE of the build is left out.
 */
import { EbuildError } from "../../errors.js";
import type { PlanResult } from "../../planner/assemble.js";
import { copy, marshal, parsePlatform, scratch } from "../../planner/llb/index.js";
import type { LocalArtifactOutput, Plan } from "../../planner/plan.js";

/** `+t/path` split into the target (`+t`, `./dir+t`) and the path in its artifacts. */
export interface ArtifactRef {
  target: string;
  path: string;
}

/** Parses the value of `-a`: a target, a slash, and a path in its artifacts (`+t/*` for all of them). */
export function parseArtifactRef(spec: string): ArtifactRef {
  const plus = spec.indexOf("+");
  const slash = plus < 0 ? -1 : spec.indexOf("/", plus);
  if (plus < 0 || slash < 0 || slash === spec.length - 1) {
    throw new EbuildError("usage", `-a ${spec}: name an artifact as +target/path`, { hint: "for example: ebuild -a +build/dist ./dist (or +build/* for every artifact)" });
  }
  return { target: spec.slice(0, slash), path: spec.slice(slash + 1) };
}

/** Where `-a +t/path [dest]` writes, relative to the working directory: dest, or dest/ + the name. */
export function artifactDestination(path: string, dest: string | undefined): string {
  const name = path.split("/").filter((p) => p !== "" && p !== "*").at(-1) ?? ".";
  if (path === "*" || path.endsWith("/*")) return dest ?? ".";
  if (dest === undefined) return name;
  return dest.endsWith("/") ? `${dest}${name}` : dest;
}

/** The Plan of artifact mode: one artifact of the entry target written to `destination`. */
export function artifactPlan(result: PlanResult, ref: ArtifactRef, options: { cwd: string; destination: string; platform: string }): Plan {
  const entry = result.reach.entries[0];
  const built = entry === undefined ? undefined : result.reach.results.get(entry);
  if (built === undefined) throw new EbuildError("internal", `artifact mode: ${ref.target} was not planned`);
  const all = ref.path === "*" || ref.path.endsWith("/*");
  const state = all
    ? scratch().file(copy(built.artifacts, ref.path === "*" ? "/" : `/${ref.path.slice(0, -2)}`, "/", { copyDirContentsOnly: true, followSymlinks: true }))
    : scratch().file(copy(built.artifacts, `/${ref.path}`, `/${ref.path.split("/").filter(Boolean).at(-1)}`, { followSymlinks: true }));
  const output: LocalArtifactOutput = {
    kind: "artifact",
    target: ref.target,
    definition: marshal(state, { platform: parsePlatform(options.platform) }).definition,
    baseDir: options.cwd,
    destination: options.destination,
    shape: all ? "merge" : "file",
    // The user named the destination on the command line: it may be anywhere they can write.
    force: true,
  };
  return { ...result.plan, outputs: [output], skipped: [] };
}

/** The Plan of image mode: only the entry target's own SAVE IMAGE outputs. */
export function imagePlan(result: PlanResult, target: string): Plan {
  const entry = result.reach.entries[0];
  const label = result.reach.targets.find((t) => t.key === entry)?.label;
  const images = result.plan.outputs.filter((o) => o.kind === "image" && o.target === label);
  if (images.length === 0) {
    throw new EbuildError("usage", `--image ${target}: the target saves no image`, { hint: `add SAVE IMAGE NAME to ${target}, or build it without --image` });
  }
  return { ...result.plan, outputs: images, skipped: [] };
}
