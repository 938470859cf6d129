/**
 * One SAVE IMAGE name saved for several platforms (the platform variants of a target) is one
 * multi-platform image. Docker's image store (without the containerd store) holds no manifest
 * lists, so, as Earthly does there, each platform is stored as `name:tag_<os>_<arch>[_<variant>]`
 * and the daemon's own platform (else the first saved) also as `name:tag`. Under --push the
 * platform tags go to the registry and a manifest list naming them is put under `name:tag`.
 */
import { pushTargetOf } from "../../buildkit/engine-push.js";
import type { ImageOutput, PlannedOutput, PlannedPlatform } from "../../planner/plan.js";

/** One platform's image of a multi-platform name. */
export interface PlatformVariant {
  /** The platform's own name, e.g. `app:1_linux_arm64`. */
  name: string;
  platform: PlannedPlatform;
  target: string;
  push: boolean;
  insecure: boolean;
}

/** `linux/arm/v7` */
export function formatPlannedPlatform(platform: PlannedPlatform): string {
  return [platform.os, platform.architecture, platform.variant].filter((p) => p !== undefined && p !== "").join("/");
}

/** `host:5000/app:1` for linux/arm/v7 → `host:5000/app:1_linux_arm_v7` (a missing tag is `latest`). */
export function platformImageName(name: string, platform: PlannedPlatform): string {
  const { repository, tag } = pushTargetOf(name);
  return `${repository}:${tag}_${formatPlannedPlatform(platform).replace(/\//g, "_")}`;
}

export class MultiPlatformNames {
  readonly #lists = new Map<string, PlatformVariant[]>();
  /** Per list: the platform also stored under the plain name. */
  readonly #plain = new Map<string, string>();

  constructor(outputs: readonly PlannedOutput[], nativePlatform?: string) {
    const images = outputs.filter((o): o is ImageOutput => o.kind === "image");
    const platformsOf = new Map<string, Set<string>>();
    for (const image of images) {
      for (const name of image.names) platformsOf.set(name, (platformsOf.get(name) ?? new Set()).add(formatPlannedPlatform(image.platform)));
    }
    for (const image of images) {
      for (const name of image.names) {
        if (platformsOf.get(name)!.size < 2) continue;
        const variants = this.#lists.get(name) ?? [];
        variants.push({ name: platformImageName(name, image.platform), platform: image.platform, target: image.target, push: image.push, insecure: image.insecure });
        this.#lists.set(name, variants);
      }
    }
    for (const [name, variants] of this.#lists) {
      const native = variants.find((v) => formatPlannedPlatform(v.platform) === nativePlatform) ?? variants[0]!;
      this.#plain.set(name, formatPlannedPlatform(native.platform));
    }
  }

  /** True when `name` is saved for several platforms. */
  isList(name: string): boolean {
    return this.#lists.has(name);
  }

  /** The names `output` is stored under in Docker's image store. */
  storedNames(output: ImageOutput): string[] {
    return output.names.flatMap((name) => {
      if (!this.#lists.has(name)) return [name];
      const own = platformImageName(name, output.platform);
      return this.#plain.get(name) === formatPlannedPlatform(output.platform) ? [own, name] : [own];
    });
  }

  /** The lists every platform of which is saved with SAVE IMAGE --push. */
  wantedPushes(): Array<[string, PlatformVariant[]]> {
    return [...this.#lists].filter(([, variants]) => variants.every((v) => v.push));
  }

  /** The lists of which only some platforms are saved with SAVE IMAGE --push. */
  partialPushes(): Array<[string, PlatformVariant[]]> {
    return [...this.#lists].filter(([, variants]) => variants.some((v) => v.push) && !variants.every((v) => v.push));
  }
}
