/**
 * File receive (FileSend.DiffCopy): exporters send their result back to us. Each exporter of a solve
 * is numbered by its position in the solve request; the daemon names that number in metadata, and
 * the number picks the target: a folder (the `local` exporter: fsutil packets) or a file stream
 * (`tar`, `docker`, `oci`: raw BytesMessage chunks of one archive).
 */
import { createWriteStream } from "node:fs";
import type { Writable } from "node:stream";
import { finished } from "node:stream/promises";
import { fromBinary } from "@bufbuild/protobuf";
import { BytesMessageSchema, FileSend } from "../../gen/moby/filesync/v1/filesync_pb.js";
import { methodPath, type Attachable } from "./attachable.js";
import { GrpcError, GrpcStatus, type Metadata, type ServerCall } from "./grpc-server.js";
import { receiveDirectory } from "./receive.js";

/** Metadata keys of a FileSend call (BuildKit session/filesync). */
export const SendMetadata = {
  exporterId: "buildkit-attachable-exporter-id",
  exporterMetaPrefix: "exporter-md-",
} as const;

/** Where one exporter's output goes. */
export type ExportTarget =
  | { kind: "directory"; path: string }
  /**
   * `open` gets the exporter's metadata (e.g. the image digest for oci/docker) and returns the
   * stream to write the archive to; we end it when the daemon is done. Returning undefined refuses
   * (the daemon reports "target already exists").
   */
  | { kind: "file"; open(metadata: Record<string, string>): Writable | undefined | Promise<Writable | undefined> };

/** A target that writes the archive to a file at `path` (created or truncated). */
export function fileTarget(path: string): ExportTarget {
  return { kind: "file", open: () => createWriteStream(path) };
}

/** A target that writes the archive to a stream the caller owns, e.g. stdout; it is ended at the end. */
export function streamTarget(stream: Writable): ExportTarget {
  return { kind: "file", open: () => stream };
}

/** Serves FileSend for the given targets, keyed by the exporter's index in the solve request. */
export function fileSendService(targets: ReadonlyMap<number, ExportTarget>): Attachable {
  const path = methodPath(FileSend, "diffCopy");
  return {
    methods: new Map([
      [
        path,
        async (call: ServerCall) => {
          const id = exporterId(call.metadata);
          const target = targets.get(id);
          if (target === undefined) throw new GrpcError(GrpcStatus.notFound, `exporter ${id} not found`);
          if (target.kind === "directory") return receiveDirectory(call, target.path);
          const stream = await target.open(exporterMetadata(call.metadata));
          if (stream === undefined) throw new GrpcError(GrpcStatus.alreadyExists, "target already exists");
          await writeArchive(call, stream);
        },
      ],
    ]),
  };
}

/** The exporter index from metadata; 0 when absent or unreadable, as BuildKit's client assumes. */
function exporterId(metadata: Metadata): number {
  const value = metadata.get(SendMetadata.exporterId)?.[0];
  if (value === undefined || !/^-?\d+$/.test(value.trim())) return 0;
  return Number.parseInt(value, 10);
}

function exporterMetadata(metadata: Metadata): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, values] of metadata) {
    if (key.startsWith(SendMetadata.exporterMetaPrefix)) out[key.slice(SendMetadata.exporterMetaPrefix.length)] = values.join(",");
  }
  return out;
}

/** Copies BytesMessage chunks into `stream`, waiting whenever it is full, and ends it. */
async function writeArchive(call: ServerCall, stream: Writable): Promise<void> {
  const failed = new Promise<never>((_, reject) => stream.once("error", reject));
  failed.catch(() => {});
  try {
    for await (const bytes of call.messages()) {
      const { data } = fromBinary(BytesMessageSchema, bytes);
      if (data.length === 0) continue;
      if (!stream.write(data)) {
        await Promise.race([new Promise((resolve) => stream.once("drain", resolve)), failed]);
      }
    }
    stream.end();
    await Promise.race([finished(stream), failed]);
  } catch (err) {
    stream.destroy(err instanceof Error ? err : new Error(String(err)));
    throw err;
  }
}
