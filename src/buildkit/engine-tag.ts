/**
 * Naming images in Docker's image store through the Engine API, so that a build's images get their
 * names only when the whole build succeeded: the `moby` exporter stores each image without a name,
 * and the output transaction tags them at commit (`POST /images/{id}/tag`) or removes them at abort
 * (`DELETE /images/{id}`), leaving the images those names pointed at before as they were.
 */
import { EbuildError } from "../errors.js";
import type { EngineEndpoint } from "./connection/address.js";
import { engineCall } from "./engine-api.js";
import { pushTargetOf } from "./engine-push.js";

/** Gives the stored image `imageId` the name `name` (`repo[:tag]`), moving the name if it was taken. */
export async function tagThroughEngine(engine: EngineEndpoint, imageId: string, name: string, signal?: AbortSignal): Promise<void> {
  const { repository, tag } = pushTargetOf(name);
  const answer = await engineCall(engine, "POST", `/images/${encodeURIComponent(imageId)}/tag?repo=${encodeURIComponent(repository)}&tag=${encodeURIComponent(tag)}`, { signal });
  if (answer.status !== 201 && answer.status !== 200) {
    throw new EbuildError("build", `naming the image ${name} failed: ${answer.body.trim().slice(0, 300) || `HTTP ${answer.status}`}`);
  }
}

/**
 * Removes a nameless image a failed build stored. Docker refuses while a name or a container still
 * uses it (an identical image the user already had): that refusal is the right outcome, so it is
 * not an error.
 */
export async function removeUnnamedThroughEngine(engine: EngineEndpoint, imageId: string): Promise<void> {
  await engineCall(engine, "DELETE", `/images/${encodeURIComponent(imageId)}?noprune=1`).catch(() => undefined);
}
