/**
 * Writing received files without holding up the packet stream: each file's operations run in order
 * on its own chain, different files proceed at once, and a shared budget of bytes and operations in
 * flight makes the receiver stop reading (and so the daemon stop sending) when the disk lags.
 */
import { close, constants, fchmod, futimes, open, write } from "node:fs";
import { promisify } from "node:util";
import type { Stat } from "../../gen/fsutil/types/stat_pb.js";
import { unixPermissionsFromGo } from "./file-mode.js";

// Plain descriptors rather than FileHandles: thousands of small files made FileHandle bookkeeping
// a visible share of an export's CPU time.
const openFile = promisify(open);
const writeBytes = (fd: number, data: Uint8Array) =>
  new Promise<number>((resolve, reject) => write(fd, data, (err, written) => (err ? reject(err) : resolve(written))));
const chmodFile = promisify(fchmod);
const setFileTimes = promisify(futimes);
const closeFile = promisify(close);

/** Bytes of file data queued for writing before the receiver waits. */
const maxQueuedBytes = 8 << 20;
/** File operations in flight before the receiver waits. */
const maxQueuedOperations = 64;

/** A regular file of a transfer, created on its first data (or when a hard link needs it). */
export class ReceivedFile {
  private fd: number | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    readonly path: string,
    readonly target: string,
    readonly stat: Stat,
  ) {}

  /** Makes sure the file exists; resolves once it does. */
  create(): Promise<void> {
    return this.then(async () => {
      await this.opened();
    });
  }

  /** Queues `data` to be appended. */
  write(data: Uint8Array): Promise<void> {
    return this.then(async () => {
      const fd = await this.opened();
      // A write may take less than everything offered; keep going until it is all on disk.
      for (let offset = 0; offset < data.length; ) {
        offset += await writeBytes(fd, data.subarray(offset));
      }
    });
  }

  /** Queues the end of the file: permissions and modification time set, descriptor closed. */
  finish(): Promise<void> {
    return this.then(async () => {
      const fd = await this.opened();
      this.fd = undefined;
      try {
        await chmodFile(fd, unixPermissionsFromGo(this.stat.mode));
        const seconds = secondsFor(this.stat.modTime);
        await setFileTimes(fd, seconds, seconds);
      } finally {
        await closeFile(fd);
      }
    });
  }

  /** Closes the descriptor of a file left unfinished by a failed transfer. */
  async abandon(): Promise<void> {
    await this.chain.catch(() => {});
    if (this.fd !== undefined) await closeFile(this.fd).catch(() => {});
    this.fd = undefined;
  }

  private then(step: () => Promise<void>): Promise<void> {
    this.chain = this.chain.then(step);
    return this.chain;
  }

  private async opened(): Promise<number> {
    // O_EXCL and O_NOFOLLOW: a new file, never something already there nor a link's target.
    this.fd ??= await openFile(this.target, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    return this.fd;
  }
}

/** Tracks file operations in flight; the first failure is reported by the next track() or drain(). */
export class WriteFlow {
  private readonly inFlight = new Set<Promise<void>>();
  private bytes = 0;
  private failure: { error: unknown } | undefined;

  /** Adds an operation; waits while the budget is spent. */
  async track(operation: Promise<void>, bytes: number): Promise<void> {
    this.throwIfFailed();
    this.bytes += bytes;
    const settled: Promise<void> = operation
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => {
        this.inFlight.delete(settled);
        this.bytes -= bytes;
      });
    this.inFlight.add(settled);
    while (this.inFlight.size > 0 && (this.bytes > maxQueuedBytes || this.inFlight.size > maxQueuedOperations)) {
      await Promise.race(this.inFlight);
    }
    this.throwIfFailed();
  }

  /** Waits for everything in flight. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }
}

/**
 * The seconds to pass to Node for a nanosecond time. libuv keeps whole microseconds of the double it
 * gets; aiming at the middle of the microsecond keeps the double's rounding from landing on the one
 * before.
 */
export function secondsFor(modTimeNs: bigint): number {
  return (Number(modTimeNs / 1000n) + 0.5) / 1e6;
}
