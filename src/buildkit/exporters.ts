/**
 * The exporter entries of a Solve: where a build's result goes. Attribute names are BuildKit
 * v0.13's (exporter/containerimage/exptypes, exporter/local, exporter/tar, exporter/oci) and
 * moby's (builder/builder-next/exporter/mobyexporter).
 *
 * What a daemon accepts differs. Docker Engine 26 with its classic image store offers only `moby`,
 * `local` and `tar`; it answers `image`, `docker` and `oci` with `exporter "image" could not be
 * found` (measured on 26.1.5). Its `moby` exporter stores the image under the given names and
 * silently ignores `push`: on that daemon a push goes through the Engine API afterwards, as buildx's
 * docker driver does. A standalone buildkitd (or Docker with the containerd image store) has
 * `image`, `docker` and `oci` but no `moby`.
 *
 * The image configuration (ENV, CMD, WORKDIR, LABEL…) is the JSON of an OCI image config under the
 * key `containerimage.config` of the RESULT's metadata, where the image writers read it. BuildKit's
 * own image exporters (`image`, `docker`, `oci`) also copy attributes they do not know into that
 * metadata, so for them the config may travel as an attribute; Docker's `moby` exporter does not
 * (measured: the attribute is ignored), so for Docker the config must come with the result: a
 * gateway build whose Return carries it (GatewayBuild.finish with `imageResultMetadata`). `rootfs`
 * and `history` are rewritten by the daemon from the layers it exports, so they may be left out.
 */
import type { ExporterEntry } from "./client.js";
import { imageConfigMetadataKey } from "./gateway.js";
import type { ImageConfig } from "./image-config.js";

/** The exporter types BuildKit and Docker know, in the names a Solve request uses. */
export type ExporterType = "moby" | "image" | "local" | "tar" | "docker" | "oci";

/** The image exporters' attribute for the configuration JSON: the metadata key (exptypes.ExporterImageConfigKey). */
export const imageConfigAttr = imageConfigMetadataKey;

/** Where Docker's image store puts an image. */
export interface ImageNames {
  /** Image references, e.g. ["registry.local:5000/team/app:1.2"]; joined with commas on the wire. */
  names: readonly string[];
}

/** What BuildKit's own image exporters take. */
export interface ImageOutput extends ImageNames {
  /** The image configuration; rootfs and history are filled in by the daemon. */
  config?: ImageConfig | undefined;
}

/**
 * Docker Engine's image store (`docker image ls` shows the result). The configuration cannot be an
 * attribute here: return it with the result (`imageResultMetadata`).
 */
export function mobyExporter(output: ImageNames): ExporterEntry {
  return { type: "moby", attrs: imageAttrs(output) };
}

/** The result metadata that gives the exported image its configuration (for any image exporter). */
export function imageResultMetadata(config: ImageConfig): Record<string, Uint8Array> {
  return { [imageConfigAttr]: new TextEncoder().encode(JSON.stringify(config)) };
}

export interface RegistryImageOutput extends ImageOutput {
  /** Push to the registry named in each name. */
  push?: boolean | undefined;
  /** Allow plain HTTP and unverified TLS for the push (`registry.insecure`). */
  insecure?: boolean | undefined;
  /** Keep the image in the daemon's own image store too (containerd workers; default true). */
  store?: boolean | undefined;
  /** OCI media types instead of Docker's in the manifest and config. */
  ociMediaTypes?: boolean | undefined;
  /** Layer compression: "gzip" (the default), "zstd", "estargz" or "uncompressed". */
  compression?: "gzip" | "zstd" | "estargz" | "uncompressed" | undefined;
}

/** BuildKit's containerimage exporter: an image in the worker's store, optionally pushed. */
export function imageExporter(output: RegistryImageOutput): ExporterEntry {
  const attrs = imageAttrs(output);
  if (output.push !== undefined) attrs["push"] = String(output.push);
  if (output.insecure !== undefined) attrs["registry.insecure"] = String(output.insecure);
  if (output.store !== undefined) attrs["store"] = String(output.store);
  if (output.ociMediaTypes !== undefined) attrs["oci-mediatypes"] = String(output.ociMediaTypes);
  if (output.compression !== undefined) attrs["compression"] = output.compression;
  return { type: "image", attrs };
}

/**
 * The result's files written into a folder on our side, through the session's FileSend. The folder
 * is chosen by the session (fileSendService), not by an attribute.
 */
export function localExporter(): ExporterEntry {
  return { type: "local", attrs: {} };
}

/** The result's files as one tar archive streamed to the session's FileSend. */
export function tarExporter(): ExporterEntry {
  return { type: "tar", attrs: {} };
}

/** An image archive that `docker load` reads, streamed to the session's FileSend. */
export function dockerArchiveExporter(output: ImageOutput): ExporterEntry {
  return { type: "docker", attrs: imageAttrs(output) };
}

/** An OCI image layout archive, streamed to the session's FileSend. */
export function ociArchiveExporter(output: ImageOutput): ExporterEntry {
  return { type: "oci", attrs: imageAttrs(output) };
}

/**
 * The exporter a daemon said it does not have, from its error message (`exporter "oci" could not
 * be found`); undefined for any other failure. Lets the CLI say which outputs this daemon supports.
 */
export function missingExporter(message: string): string | undefined {
  return /exporter "([^"]+)" could not be found/.exec(message)?.[1];
}

function imageAttrs(output: ImageOutput): Record<string, string> {
  const attrs: Record<string, string> = {};
  if (output.names.length > 0) attrs["name"] = output.names.join(",");
  if (output.config !== undefined) attrs[imageConfigAttr] = JSON.stringify(output.config);
  return attrs;
}
