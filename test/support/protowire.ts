/**
 * Test helper: protobuf fields written and read by number, for the few BuildKit messages our
 * protos do not have yet (FileOp, LLBBridge.Solve). Tests and benchmarks only; ebuild itself uses
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

/** The bytes of the first length-delimited field `number` of `message`, skipping the others. */
export function readBytesField(message: Uint8Array, number: number): Uint8Array | undefined {
  let offset = 0;
  const readVarint = () => {
    let value = 0;
    let scale = 1;
    for (;;) {
      const byte = message[offset++];
      if (byte === undefined) throw new Error("truncated protobuf message");
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 128;
    }
  };
  while (offset < message.length) {
    const key = readVarint();
    const wireType = key & 7;
    if (wireType === 0) readVarint();
    else if (wireType === 1) offset += 8;
    else if (wireType === 5) offset += 4;
    else if (wireType === 2) {
      const length = readVarint();
      if (Math.floor(key / 8) === number) return message.subarray(offset, offset + length);
      offset += length;
    } else throw new Error(`unexpected protobuf wire type ${wireType}`);
  }
  return undefined;
}
