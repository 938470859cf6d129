/**
 * File sync up (FileSync.DiffCopy): the daemon reads a local directory we registered by name — a
 * build context — through fsutil's packet protocol. We send a STAT for every selected entry, then
 * the contents of exactly the files the daemon requests, streamed from disk in chunks.
 */
import { close, open, read } from "node:fs";
import { stat } from "node:fs/promises";
import { promisify } from "node:util";
import { create, fromBinary, toBinary, type MessageInitShape } from "@bufbuild/protobuf";
import { PacketSchema, Packet_PacketType } from "../../gen/fsutil/types/wire_pb.js";
import { FileSync } from "../../gen/moby/filesync/v1/filesync_pb.js";
import { methodPath, type Attachable } from "./attachable.js";
import { carriesData } from "./file-mode.js";
import { GrpcError, GrpcStatus, type Metadata, type ServerCall } from "./grpc-server.js";
import { walkContext, type WalkFilter } from "./walk.js";

/** Metadata keys the daemon sets on a DiffCopy call (BuildKit session/filesync). */
export const SyncMetadata = {
  dirName: "dir-name",
  includePatterns: "include-patterns",
  excludePatterns: "exclude-patterns",
  followPaths: "followpaths",
} as const;

// Plain descriptors rather than FileHandles: cheaper per file when a context has thousands.
const openFile = promisify(open);
const closeFile = promisify(close);
const readBytes = (fd: number, buffer: Buffer) =>
  new Promise<number>((resolve, reject) => read(fd, buffer, 0, buffer.length, null, (err, n) => (err ? reject(err) : resolve(n))));

/** File contents go out in chunks of this size; the receiver's limit is far above it. */
const chunkBytes = 64 << 10;
/** Files read at once while answering requests, as fsutil's sender does. */
const fileWorkers = 4;

/** Serves the local directories in `dirs` (name → absolute path) to the daemon. */
export function fileSyncService(dirs: ReadonlyMap<string, string>): Attachable {
  const path = methodPath(FileSync, "diffCopy");
  return {
    methods: new Map([
      [
        path,
        async (call: ServerCall) => {
          const name = metadataValues(call.metadata, SyncMetadata.dirName)[0] ?? "";
          const root = dirs.get(name);
          if (root === undefined) throw new GrpcError(GrpcStatus.notFound, `no access allowed to dir "${name}"`);
          const info = await stat(root).catch(() => undefined);
          if (!info?.isDirectory()) throw new GrpcError(GrpcStatus.notFound, `local directory "${name}" (${root}) does not exist`);
          await sendDirectory(call, root, filterFrom(call.metadata));
        },
      ],
    ]),
  };
}

/** Reads the include/exclude/follow-paths the daemon asked for from call metadata. */
export function filterFrom(metadata: Metadata): WalkFilter {
  const list = (key: string) => (metadata.has(key) ? metadataValues(metadata, key) : undefined);
  const filter: WalkFilter = {};
  const includes = list(SyncMetadata.includePatterns);
  const excludes = list(SyncMetadata.excludePatterns);
  const follow = list(SyncMetadata.followPaths);
  if (includes) filter.includePatterns = includes;
  if (excludes) filter.excludePatterns = excludes;
  if (follow) filter.followPaths = follow;
  return filter;
}

/**
 * Values of a metadata key, undoing BuildKit's encoding: non-ASCII values are sent URL-query-escaped
 * with a `<key>-encoded: 1` companion header.
 */
export function metadataValues(metadata: Metadata, key: string): string[] {
  const values = metadata.get(key) ?? [];
  const flag = metadata.get(`${key}-encoded`)?.[0];
  if (flag === undefined || !["1", "t", "T", "true", "TRUE", "True"].includes(flag)) return [...values];
  return values.map((value) => {
    try {
      return decodeURIComponent(value.replace(/\+/g, " "));
    } catch {
      return "";
    }
  });
}

/** Runs the sending side of fsutil's protocol for `root` on `call`; resolves when the receiver is done. */
export async function sendDirectory(call: ServerCall, root: string, filter: WalkFilter): Promise<void> {
  const send = (packet: MessageInitShape<typeof PacketSchema>) => call.send(toBinary(PacketSchema, create(PacketSchema, packet)));
  const files = new Map<number, QueuedFile>(); // request id → file on disk
  const queue = new FileQueue();
  const failure = new AbortController();
  const signal = AbortSignal.any([call.signal, failure.signal]);

  const walking = (async () => {
    let id = 0;
    try {
      for await (const entry of walkContext(root, filter, signal)) {
        if (carriesData(entry.mode)) files.set(id, { id, source: entry.source, size: entry.size });
        id++;
        await send({
          type: Packet_PacketType.PACKET_STAT,
          stat: {
            path: entry.path,
            mode: entry.mode,
            uid: entry.uid,
            gid: entry.gid,
            size: entry.size,
            modTime: entry.modTime,
            linkname: entry.linkname,
            devmajor: entry.devmajor,
            devminor: entry.devminor,
          },
        });
      }
      await send({ type: Packet_PacketType.PACKET_STAT }); // a STAT without a stat ends the listing
    } catch (err) {
      if (!signal.aborted) await send({ type: Packet_PacketType.PACKET_ERR, data: Buffer.from(errorText(err)) }).catch(() => {});
      throw err;
    }
  })();

  const sendFile = async (id: number, source: string, size: bigint) => {
    try {
      const fd = await openFile(source, "r");
      try {
        // A read shorter than asked means the end of a regular file, so a file smaller than a
        // chunk costs one read; the loop still follows a file that grew since its STAT.
        let want = Number(size < BigInt(chunkBytes) ? size + 1n : BigInt(chunkBytes));
        for (;;) {
          signal.throwIfAborted();
          const buffer = Buffer.allocUnsafe(want);
          const bytesRead = await readBytes(fd, buffer);
          if (bytesRead > 0) await send({ type: Packet_PacketType.PACKET_DATA, id, data: buffer.subarray(0, bytesRead) });
          if (bytesRead < want) break;
          want = chunkBytes;
        }
      } finally {
        await closeFile(fd);
      }
    } catch (err) {
      if (signal.aborted) throw err;
      // Like fsutil: a file that cannot be read any more arrives empty rather than failing the build.
    }
    await send({ type: Packet_PacketType.PACKET_DATA, id }); // an empty DATA ends the file
  };
  const workers = Array.from({ length: fileWorkers }, async () => {
    for (let next = await queue.take(); next !== undefined; next = await queue.take()) {
      await sendFile(next.id, next.source, next.size);
    }
  });

  const receiving = (async () => {
    try {
      for await (const bytes of call.messages()) {
        const packet = fromBinary(PacketSchema, bytes);
        switch (packet.type) {
          case Packet_PacketType.PACKET_ERR:
            throw new GrpcError(GrpcStatus.unknown, `error from receiver: ${Buffer.from(packet.data).toString()}`);
          case Packet_PacketType.PACKET_REQ: {
            const file = files.get(packet.id);
            if (file === undefined) throw new GrpcError(GrpcStatus.invalidArgument, `invalid file id ${packet.id}`);
            files.delete(packet.id);
            queue.put(file);
            break;
          }
          case Packet_PacketType.PACKET_FIN:
            queue.close();
            await Promise.all(workers);
            await send({ type: Packet_PacketType.PACKET_FIN });
            return;
        }
      }
      throw new GrpcError(GrpcStatus.cancelled, "the daemon ended the transfer before it finished");
    } finally {
      queue.close();
    }
  })();

  try {
    await Promise.all([walking, receiving, ...workers]);
  } catch (err) {
    failure.abort(err);
    throw err;
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

interface QueuedFile {
  id: number;
  source: string;
  size: bigint;
}

/** A queue of requested files that workers wait on; closing it lets them finish. */
class FileQueue {
  private readonly items: QueuedFile[] = [];
  private readonly waiting: ((item: QueuedFile | undefined) => void)[] = [];
  private closed = false;

  put(item: QueuedFile): void {
    const waiter = this.waiting.shift();
    if (waiter) waiter(item);
    else this.items.push(item);
  }

  take(): Promise<QueuedFile | undefined> {
    const item = this.items.shift();
    if (item !== undefined || this.closed) return Promise.resolve(item);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  close(): void {
    this.closed = true;
    for (const waiter of this.waiting.splice(0)) waiter(undefined);
  }
}
