/**
 * TRY … FINALLY … END (`VERSION --try`): the FINALLY artifacts are saved even when the RUN fails.
 * The RUN captures its exit code instead of failing; the FINALLY AS LOCAL outputs are taken from
 * the state it left (so they can be written whatever the code), and the target goes on from a
 * step that fails as the RUN did, so the build (and anything using the target) still fails.
 */
import { EbuildError } from "../errors.js";
import type { SaveArtifactCommand, Statement, TryBlock } from "../parser/ast.js";
import { failOnExitCode } from "./commands/run.js";
import { planSaveArtifact } from "./commands/save.js";
import { expandOne, positionOf } from "./expansion.js";
import type { State } from "./llb/index.js";
import { commandText, locationOf, recordLocalArtifact, scopeOf, walkRecipe, type RecipeContext } from "./recipe-walk.js";

export async function walkTry(ctx: RecipeContext, block: TryBlock): Promise<void> {
  const run = checkShape(ctx, block);
  const tryRun: { exitCodes?: State } = {};
  await walkRecipe({ ...ctx, tryRun }, block.body);
  if (tryRun.exitCodes === undefined) throw new EbuildError("internal", "the RUN of a TRY left no exit code", { at: positionOf(run.range) });
  const ran = ctx.build.state;
  const command = `RUN ${commandText(run)}`;
  ctx.build.state = failOnExitCode(ran, tryRun.exitCodes, { description: command, location: locationOf(ctx, run.range) });
  ctx.reacher.addStep(ctx.build.state, ctx.invocation.platform, { target: ctx.label, command, at: positionOf(run.range) });
  for (const save of block.finallyBody ?? []) await walkFinallySave(ctx, save as SaveArtifactCommand, ran);
}

/**
 * A FINALLY's SAVE ARTIFACT: the target's artifact comes after the exit-code check (COPY of it fails
 * as the RUN did); the AS LOCAL output comes from the RUN's own result.
 */
async function walkFinallySave(ctx: RecipeContext, save: SaveArtifactCommand, ran: State): Promise<void> {
  const at = positionOf(save.range);
  const source = await expandOne(save.source, scopeOf(ctx));
  if (/[*?[]/.test(source)) {
    throw new EbuildError("semantic", `SAVE ARTIFACT ${source} in FINALLY: wildcards are not allowed there`, { at, hint: "name each file or directory to save" });
  }
  planSaveArtifact(ctx.build, save, source, save.artifactDest === undefined ? undefined : await expandOne(save.artifactDest, scopeOf(ctx)));
  ctx.reacher.addStep(ctx.build.artifacts, ctx.invocation.platform, { target: ctx.label, command: `SAVE ARTIFACT ${save.args.map((w) => w.text).join(" ")}`, at });
  await recordLocalArtifact(ctx, { ...ctx.build, state: ran }, save, source, save.asLocal!, at, { finally: true });
}

/** The block as Earthly allows it: the feature on, one RUN in TRY, only SAVE ARTIFACT … AS LOCAL in FINALLY, no CATCH. */
function checkShape(ctx: RecipeContext, block: TryBlock): Extract<Statement, { kind: "RUN" }> {
  const at = positionOf(block.range);
  if (ctx.file.buildfile.version?.features.includes("try") !== true) {
    throw new EbuildError("semantic", "TRY needs the --try feature", { at, hint: "start the Buildfile with VERSION --try 0.8" });
  }
  if (block.catchBody !== undefined) {
    throw new EbuildError("semantic", "CATCH is not supported", { at: positionOf(block.catchBody[0]?.range ?? block.range), hint: "use FINALLY: its artifacts are saved whether or not the RUN failed" });
  }
  if (ctx.build.host !== undefined) throw new EbuildError("semantic", "TRY is not supported in a LOCALLY target", { at });
  const [run, extra] = block.body;
  if (run === undefined || run.kind !== "RUN" || extra !== undefined) {
    throw new EbuildError("semantic", "TRY holds exactly one RUN", { at: positionOf((run?.kind === "RUN" ? extra : run)?.range ?? block.range), hint: "put the other commands before the TRY" });
  }
  if (run.flags.push) throw new EbuildError("semantic", "RUN --push cannot be in a TRY", { at: positionOf(run.range) });
  for (const s of block.finallyBody ?? []) {
    if (s.kind !== "SAVE_ARTIFACT" || s.asLocal === undefined) {
      throw new EbuildError("semantic", "FINALLY holds only SAVE ARTIFACT … AS LOCAL", { at: positionOf(s.range), hint: "move other commands after the END" });
    }
  }
  return run;
}
