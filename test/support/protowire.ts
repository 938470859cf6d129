/**
 * Test helper: protobuf fields written by number, for BuildKit messages our protos do not have
 * yet (FileOp). Tests and benchmarks only; ebuild itself uses
 * the generated code.
 */

/** Writes fields in the order they are added. */
export class FieldWriter {
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
  /** A varint field; zero is left out, as proto3 does. */
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
  message(field: number, build: (w: FieldWriter) => void): this {
    const inner = new FieldWriter();
    build(inner);
    return this.bytes(field, inner.done());
  }
  /** A map<string, bytes|string> field: one entry per key, in key order for stable bytes. */
  map(field: number, entries: Record<string, string | Uint8Array>): this {
    for (const key of Object.keys(entries).sort()) {
      const value = entries[key]!;
      this.message(field, (e) => e.string(1, key).bytes(2, typeof value === "string" ? Buffer.from(value) : value));
    }
    return this;
  }
  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}
