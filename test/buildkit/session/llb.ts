/**
 * Test-only LLB for the session's real-daemon tests: a local source, a RUN with bind, output and
 * secret mounts, and the Definition around them, written field by field (BuildKit v0.13's
 * solver/pb/ops.proto). The project's LLB builder lives elsewhere; nothing else should use this.
 */
import { createHash } from "node:crypto";

class Fields {
  private readonly parts: Buffer[] = [];

  private varint(value: bigint): void {
    // int64 fields encode negative numbers as their 64-bit two's complement.
    let v = BigInt.asUintN(64, value);
    const bytes: number[] = [];
    while (v > 0x7fn) {
      bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    bytes.push(Number(v));
    this.parts.push(Buffer.from(bytes));
  }
  int(field: number, value: number): this {
    if (value !== 0) {
      this.varint(BigInt(field << 3));
      this.varint(BigInt(value));
    }
    return this;
  }
  bool(field: number, value: boolean): this {
    return this.int(field, value ? 1 : 0);
  }
  bytes(field: number, value: Uint8Array): this {
    this.varint(BigInt((field << 3) | 2));
    this.varint(BigInt(value.length));
    this.parts.push(Buffer.from(value));
    return this;
  }
  string(field: number, value: string): this {
    return value === "" ? this : this.bytes(field, Buffer.from(value));
  }
  message(field: number, build: (f: Fields) => void): this {
    const inner = new Fields();
    build(inner);
    return this.bytes(field, inner.done());
  }
  /** A map<string, string> field: one entry message per key, in key order for stable digests. */
  map(field: number, entries: Record<string, string>): this {
    for (const key of Object.keys(entries).sort()) this.message(field, (e) => e.string(1, key).string(2, entries[key]!));
    return this;
  }
  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** One marshalled op and its digest. */
export interface Op {
  bytes: Buffer;
  digest: string;
}

function op(build: (f: Fields) => void): Op {
  const f = new Fields();
  build(f);
  f.message(10, (p) => p.string(1, "amd64").string(2, "linux"));
  const bytes = f.done();
  return { bytes, digest: `sha256:${createHash("sha256").update(bytes).digest("hex")}` };
}

export function imageSource(ref: string): Op {
  return op((f) => f.message(3, (s) => s.string(1, `docker-image://${ref}`)));
}

export interface LocalSourceOptions {
  sessionId: string;
  excludePatterns?: string[];
  includePatterns?: string[];
}

/** `local://name` read through the session's FileSync. */
export function localSource(name: string, options: LocalSourceOptions): Op {
  const attrs: Record<string, string> = { "local.session": options.sessionId, "local.sharedkeyhint": name };
  if (options.excludePatterns) attrs["local.excludepatterns"] = JSON.stringify(options.excludePatterns);
  if (options.includePatterns) attrs["local.includepattern"] = JSON.stringify(options.includePatterns);
  return op((f) => f.message(3, (s) => s.string(1, `local://${name}`).map(2, attrs)));
}

export interface RunMount {
  /** Index into the RUN's inputs, or -1 for an empty (scratch) mount. */
  input: number;
  dest: string;
  /** Output index, or -1 when the mount is not an output. */
  output: number;
  readonly?: boolean;
  secret?: { id: string; mode: number };
}

/** `sh -c script` with the given inputs and mounts (mount 0 must be the root file system). */
export function run(script: string, inputs: Op[], mounts: RunMount[]): Op {
  return op((f) => {
    for (const input of inputs) f.message(1, (i) => i.string(1, input.digest));
    f.message(2, (e) => {
      e.message(1, (m) => {
        for (const arg of ["/bin/sh", "-c", script]) m.string(1, arg);
        m.string(2, "PATH=/usr/sbin:/usr/bin:/sbin:/bin").string(3, "/");
      });
      for (const mount of mounts) {
        e.message(2, (m) => {
          m.int(1, mount.input).string(3, mount.dest).int(4, mount.output).bool(5, mount.readonly ?? false);
          if (mount.secret) {
            m.int(6, 1); // MountType SECRET
            m.message(21, (s) => s.string(1, mount.secret!.id).int(4, mount.secret!.mode));
          }
        });
      }
    });
  });
}

/** The Definition of everything needed for output `index` of `target`. */
export function definition(ops: Op[], target: Op, index = 0): Uint8Array {
  const terminal = new Fields().message(1, (i) => i.string(1, target.digest).int(2, index)).done();
  const f = new Fields();
  for (const o of ops) f.bytes(1, o.bytes);
  f.bytes(1, terminal);
  return f.done();
}
