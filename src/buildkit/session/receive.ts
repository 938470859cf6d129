/**
 * The receiving side of fsutil's packet protocol, for the `local` exporter: the daemon lists a tree
 * in STAT packets, we create it under a destination folder and request the contents of each regular
 * file. Nothing may land outside the folder: paths are checked, parents must be directories this
 * transfer created or verified, symlinks are created as links and never written through.
 */
import { mkdir, lstat, rm, symlink, link, lutimes, chmod, readdir, utimes, unlink } from "node:fs/promises";
import { join } from "node:path";
import { create, fromBinary, toBinary, type MessageInitShape } from "@bufbuild/protobuf";
import { PacketSchema, Packet_PacketType } from "../../gen/fsutil/types/wire_pb.js";
import type { Stat } from "../../gen/fsutil/types/stat_pb.js";
import { carriesData, isGoDir, isGoSymlink, unixPermissionsFromGo } from "./file-mode.js";
import { GrpcError, GrpcStatus, type ServerCall } from "./grpc-server.js";
import { ReceivedFile, WriteFlow, secondsFor } from "./received-file.js";

/** Receives a tree from the daemon into `dest` (created if missing), merging with what is there. */
export async function receiveDirectory(call: ServerCall, dest: string): Promise<void> {
  const send = (packet: MessageInitShape<typeof PacketSchema>) => call.send(toBinary(PacketSchema, create(PacketSchema, packet)));
  try {
    await receiveInto(call, dest, send);
  } catch (err) {
    if (!call.signal.aborted) {
      const message = err instanceof Error ? err.message : String(err);
      await send({ type: Packet_PacketType.PACKET_ERR, data: Buffer.from(message) }).catch(() => {});
    }
    throw err;
  }
}

async function receiveInto(
  call: ServerCall,
  dest: string,
  send: (packet: MessageInitShape<typeof PacketSchema>) => Promise<void>,
): Promise<void> {
  await mkdir(dest, { recursive: true, mode: 0o755 });
  const dirs = new Set<string>([""]); // directories of this transfer (and the root): safe parents
  // Directories that started empty in this transfer: nothing in them needs clearing first, which
  // saves a stat per entry on the usual export into a new folder.
  const fresh = new Set<string>((await readdir(dest)).length === 0 ? [""] : []);
  const files = new Set<string>(); // regular files of this transfer: valid hard-link targets
  const dirTimes: { target: string; modTime: bigint }[] = [];
  const pending = new Map<number, ReceivedFile>();
  const pendingByPath = new Map<string, ReceivedFile>();
  const flow = new WriteFlow();
  let nextId = 0;
  let previous: string[] = [];
  let listed = false;
  let finSent = false;

  const finishIfDone = async () => {
    if (!listed || pending.size > 0 || finSent) return;
    await flow.drain();
    // Directory times last: creating their children changed them. Deepest first.
    for (const { target, modTime } of dirTimes.reverse()) await setTimes(target, modTime, false);
    finSent = true;
    await send({ type: Packet_PacketType.PACKET_FIN });
  };

  try {
    await receivePackets();
  } finally {
    // After a failure, files still waiting for data must not keep their descriptors open.
    await Promise.all([...pending.values()].map((file) => file.abandon()));
  }

  async function receivePackets(): Promise<void> {
    for await (const bytes of call.messages()) {
      const packet = fromBinary(PacketSchema, bytes);
      switch (packet.type) {
        case Packet_PacketType.PACKET_ERR:
          throw new GrpcError(GrpcStatus.unknown, `error from sender: ${Buffer.from(packet.data).toString()}`);
        case Packet_PacketType.PACKET_STAT: {
          if (packet.stat === undefined) {
            listed = true;
            await finishIfDone();
            break;
          }
          const stat = packet.stat;
          const id = nextId++;
          const path = checkedPath(stat.path);
          // Strictly increasing walk order (as fsutil's receiver demands) means no path comes twice, so
          // nothing checked or created earlier in this transfer can be swapped for a link afterwards.
          const parts = path.split("/");
          if (compareParts(previous, parts) >= 0) throw refused(path, "it is out of order or repeated");
          previous = parts;
          const parent = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : "";
          if (!dirs.has(parent)) throw refused(path, "its parent directory was not part of the transfer");
          const target = join(dest, path);
          const inFresh = fresh.has(parent);
          if (isGoDir(stat.mode)) {
            if (await makeDirectory(target, stat, inFresh)) fresh.add(path);
            dirs.add(path);
            dirTimes.push({ target, modTime: stat.modTime });
          } else if (isGoSymlink(stat.mode)) {
            if (!inFresh) await clear(target);
            await symlink(stat.linkname, target);
            await setTimes(target, stat.modTime, true);
          } else if (carriesData(stat.mode) && stat.linkname !== "") {
            const first = checkedPath(stat.linkname);
            if (!files.has(first)) throw refused(path, `hard link to ${first}, which is not a file of the transfer`);
            if (!inFresh) await clear(target);
            // The first file may still wait for its data; create it now so there is something to link.
            const original = pendingByPath.get(first);
            if (original !== undefined) await original.create();
            await link(join(dest, first), target);
          } else if (carriesData(stat.mode)) {
            if (!inFresh) await clear(target);
            files.add(path); // created when its data comes: one open per file
            const file = new ReceivedFile(path, target, stat);
            pending.set(id, file);
            pendingByPath.set(path, file);
            await send({ type: Packet_PacketType.PACKET_REQ, id });
          }
          // Devices and named pipes need mknod, which Node cannot do; exports rarely carry them.
          break;
        }
        case Packet_PacketType.PACKET_DATA: {
          const file = pending.get(packet.id);
          if (file === undefined) throw new GrpcError(GrpcStatus.invalidArgument, `invalid file request ${packet.id}`);
          if (packet.data.length > 0) {
            await flow.track(file.write(packet.data), packet.data.length);
            break;
          }
          pending.delete(packet.id);
          pendingByPath.delete(file.path);
          await flow.track(file.finish(), 0);
          await finishIfDone();
          break;
        }
        case Packet_PacketType.PACKET_FIN:
          if (!finSent) throw new GrpcError(GrpcStatus.invalidArgument, "sender finished before sending every file");
          return;
      }
    }
    throw new GrpcError(GrpcStatus.cancelled, "the daemon ended the export before it finished");
  }
}

/** A relative, slash-separated path with no `..`, `.` or empty parts: it names a place under dest. */
function checkedPath(path: string): string {
  if (path === "" || path.startsWith("/") || path.includes("\0")) throw refused(path, "it is not a relative path");
  for (const part of path.split("/")) {
    if (part === "" || part === "." || part === "..") throw refused(path, "it would leave the destination folder");
  }
  return path;
}

/** Walk order: component by component, each compared by bytes. */
function compareParts(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const order = Buffer.compare(Buffer.from(a[i]!), Buffer.from(b[i]!));
    if (order !== 0) return order;
  }
  return a.length - b.length;
}

function refused(path: string, why: string): GrpcError {
  return new GrpcError(GrpcStatus.permissionDenied, `refusing to write ${JSON.stringify(path)}: ${why}`);
}

/**
 * Makes `target` a real directory (replacing a file or link there) with the sent permissions;
 * true when it was created now, so it has no old contents.
 */
async function makeDirectory(target: string, stat: Stat, parentIsFresh: boolean): Promise<boolean> {
  const existing = parentIsFresh ? undefined : await lstat(target).catch(() => undefined);
  if (existing !== undefined && !existing.isDirectory()) await rm(target, { recursive: true, force: true });
  const created = existing === undefined || !existing.isDirectory();
  if (created) await mkdir(target, { mode: 0o700 });
  await chmod(target, unixPermissionsFromGo(stat.mode));
  return created;
}

/** Removes whatever is at `target` so a new entry can take its place (merging into existing output). */
async function clear(target: string): Promise<void> {
  const existing = await lstat(target).catch(() => undefined);
  if (existing === undefined) return;
  if (existing.isDirectory()) await rm(target, { recursive: true, force: true });
  else await unlink(target);
}

/** Sets access and modification time; Node takes seconds as a double and keeps whole microseconds. */
async function setTimes(target: string, modTimeNs: bigint, isLink: boolean): Promise<void> {
  const seconds = secondsFor(modTimeNs);
  if (isLink) await lutimes(target, seconds, seconds);
  else await utimes(target, seconds, seconds);
}

