/**
 * A multi-platform image in a registry: one manifest list (an OCI image index, or Docker's
 * manifest list when every child is a Docker manifest) naming each platform's manifest by digest.
 * The children must already be in the same repository (pushed under their own tags); the list
 * is put under the image's tag.
 */
import { mediaTypes, RegistryClient, type FetchedManifest, type RegistryClientOptions } from "./client.js";
import { pushTargetOf } from "../engine-push.js";
import { EbuildError } from "../../errors.js";

// The registry short names point at; its API lives on another host, which ebuild does not know.
const defaultRegistry = pushTargetOf("name").registryHost;

export interface PlatformImage {
  /** The name the platform's image was pushed under, e.g. `host:5000/app:1_linux_arm64`. */
  name: string;
  platform: { os: string; architecture: string; variant?: string | undefined };
}

/** The list's JSON for these children (in the order given). */
export function manifestListOf(children: ReadonlyArray<{ manifest: FetchedManifest; platform: PlatformImage["platform"] }>): { mediaType: string; bytes: Uint8Array } {
  const docker = children.every((c) => c.manifest.mediaType === mediaTypes.dockerManifest);
  const mediaType = docker ? mediaTypes.dockerList : mediaTypes.ociIndex;
  const list = {
    schemaVersion: 2,
    mediaType,
    manifests: children.map(({ manifest, platform }) => ({
      mediaType: manifest.mediaType,
      digest: manifest.digest,
      size: manifest.size,
      platform: { architecture: platform.architecture, os: platform.os, ...(platform.variant ? { variant: platform.variant } : {}) },
    })),
  };
  return { mediaType, bytes: new TextEncoder().encode(JSON.stringify(list)) };
}

/**
 * Puts the manifest list `name` together from the platform images already pushed; resolves to the
 * list's digest. Every child must be in `name`'s repository.
 */
export async function pushManifestList(name: string, children: readonly PlatformImage[], options: RegistryClientOptions = {}): Promise<string> {
  const target = pushTargetOf(name);
  if (target.registryHost === defaultRegistry) {
    throw new EbuildError("usage", `${name} is saved for several platforms, and ebuild cannot put a manifest list in the default registry yet`, {
      hint: "name the registry host in the image name (host[:port]/repository:tag), or save one platform",
    });
  }
  const repository = target.repository.startsWith(`${target.registryHost}/`) ? target.repository.slice(target.registryHost.length + 1) : target.repository;
  const client = new RegistryClient(target.registryHost, repository, options);
  const fetched = [];
  for (const child of children) {
    const childTarget = pushTargetOf(child.name);
    if (childTarget.repository !== target.repository) throw new EbuildError("internal", `${child.name} is not in ${target.repository}`);
    fetched.push({ manifest: await client.manifest(childTarget.tag), platform: child.platform });
  }
  const list = manifestListOf(fetched);
  return client.putManifest(target.tag, list.mediaType, list.bytes);
}
