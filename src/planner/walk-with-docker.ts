/**
 * Walking WITH DOCKER … END: its --load targets are invoked (LOAD edges: their results, never their
 * effects), its --pull images and the images of its --compose services resolved, then the block's
 * RUN is planned by commands/with-docker.
 */
import { EbuildError, type SourcePosition } from "../errors.js";
import type { WithDockerBlock, Word } from "../parser/ast.js";
import { emptyBuild } from "./build-state.js";
import { planFromImage } from "./commands/from.js";
import { planWithDocker, runOfBlock, type LoadedImage } from "./commands/with-docker.js";
import { composeConfigCommand, parseComposeAnswer, servicesToStart, type WantedService } from "./commands/with-docker-compose.js";
import { expandOne, positionOf } from "./expansion.js";
import { normalizeImageRef } from "./llb/index.js";
import { parseTargetReference } from "./reference.js";
import { commandText, invokeAll, locationOf, noteRunNeeds, overridesOf, scopeOf, type RecipeContext } from "./recipe-walk.js";

/**
 * WITH DOCKER: the --load targets (LOAD edges: their results, never their effects) and --pull
 * images become images of the block's RUN, which runs privileged and so needs -P.
 */
export async function walkWithDocker(ctx: RecipeContext, block: WithDockerBlock): Promise<void> {
  const run = runOfBlock(block);
  const expand = (word: Word) => expandOne(word, scopeOf(ctx));
  const platform = block.flags.platform === undefined ? ctx.invocation.platform : await expand(block.flags.platform);
  const images: LoadedImage[] = [];
  for (const load of block.flags.loads) {
    const ref = parseTargetReference(await expand(load.target), positionOf(load.target.range));
    const overrides = await overridesOf(ctx, load.overrides, block.flags.buildArgs);
    const edge = { kind: "LOAD" as const, overrides, passArgs: block.flags.passArgs, allowPrivileged: block.flags.allowPrivileged, platforms: [platform], at: positionOf(load.range) };
    const [key] = await invokeAll(ctx, ref, edge);
    const result = ctx.reacher.resultOf(key!);
    const names = load.image === undefined ? ctx.reacher.graph.imageNamesOf(key!) : [await expand(load.image)];
    if (names.length === 0) {
      throw new EbuildError("semantic", `WITH DOCKER --load ${load.target.text} needs an image name: the target has no SAVE IMAGE`, {
        at: positionOf(load.range),
        hint: `write --load name:tag=${load.target.text}`,
      });
    }
    for (const name of names) checkImageName(name, positionOf(load.range));
    images.push({ names, state: result.state, config: result.config });
  }
  for (const pull of block.flags.pulls) {
    const name = await expand(pull);
    checkImageName(name, positionOf(pull.range));
    const pulled = emptyBuild();
    await planFromImage(pulled, name, platform, ctx.reacher.request.engine, positionOf(pull.range));
    images.push({ names: [name], state: pulled.state, config: pulled.config });
  }
  if (block.flags.services.length > 0 && block.flags.composes.length === 0) {
    throw new EbuildError("semantic", "WITH DOCKER --service needs --compose", { at: positionOf(block.flags.services[0]!.range), hint: "name the compose file with --compose FILE" });
  }
  const composeFiles = await Promise.all(block.flags.composes.map(expand));
  const wanted = await Promise.all(block.flags.services.map(async (word): Promise<WantedService> => ({ name: await expand(word), at: positionOf(word.range) })));
  const services = wanted.map((service) => service.name);
  if (composeFiles.length > 0) {
    images.push(...(await composeImages(ctx, composeFiles, wanted, platform, images, positionOf(block.flags.composes[0]!.range))));
  }
  const cacheId = block.flags.cacheId === undefined ? undefined : await expand(block.flags.cacheId);
  noteRunNeeds(ctx, true, run.flags.secrets, run.flags.mounts.map((m) => m.options), positionOf(block.range));
  planWithDocker(ctx.build, run, { images, composeFiles, services, ...(cacheId === undefined ? {} : { cacheId }) }, {
    environment: ctx.vars.runEnvironment(),
    cacheScope: ctx.key,
    caches: ctx.build.caches,
    location: locationOf(ctx, run.range),
  });
  ctx.reacher.addStep(ctx.build.state, ctx.invocation.platform, { target: ctx.label, command: `WITH DOCKER RUN ${commandText(run)}`, at: positionOf(run.range) });
}

/**
 * The images of the services compose will start that no --load or --pull names, each pulled like
 * --pull (a service's own `platform:` wins). Compose reads the files in the target's state, so
 * without a daemon (`ebuild plan`) it cannot be asked and these images are left out.
 */
async function composeImages(ctx: RecipeContext, files: readonly string[], wanted: readonly WantedService[], platform: string, have: readonly LoadedImage[], at: SourcePosition): Promise<LoadedImage[]> {
  const engine = ctx.reacher.request.engine;
  if (engine === undefined) return [];
  const answer = await engine.shellOut(scopeOf(ctx).place(), composeConfigCommand(files));
  const services = servicesToStart(parseComposeAnswer(answer, files, ctx.label, at), wanted, files);
  const named = new Set(have.flatMap((image) => image.names.map((name) => normalizeImageRef(name))));
  const pulls: LoadedImage[] = [];
  for (const service of services) {
    if (service.image === undefined) continue;
    checkImageName(service.image, at);
    const key = normalizeImageRef(service.image);
    if (named.has(key)) continue;
    named.add(key);
    const pulled = emptyBuild();
    await planFromImage(pulled, service.image, service.platform ?? platform, engine, at);
    pulls.push({ names: [service.image], state: pulled.state, config: pulled.config });
  }
  return pulls;
}

function checkImageName(name: string, at: SourcePosition): void {
  try {
    normalizeImageRef(name);
  } catch (error) {
    throw new EbuildError("semantic", `WITH DOCKER: ${name} is not an image name: ${(error as Error).message}`, { at, hint: "write a name such as app:latest" });
  }
}
