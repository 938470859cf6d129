/**
 * wire: writes LLB ops in protobuf's binary form by hand. Planning thousands of ops through
 * protobuf-es (a message object per field, reflection, a TextEncoder call per string) cost most of
 * a plan; this writer appends straight into one reused buffer. Callers write fields in
 * field-number order and the writer skips proto3 defaults, which is exactly what protobuf-es does,
 * so the bytes (and so the digests) are the same: test/planner/llb/wire.test.ts checks every op
 * kind against protobuf-es.
 */

const lengthDelimited = 2;
const varintType = 0;
const utf8 = new TextEncoder();
const bigintVarints = new Map<bigint, Uint8Array>();

const chunkSize = 64 * 1024;

/**
 * Appends protobuf fields to a buffer; `take()` returns the bytes written since the last take.
 * The buffer is a chunk that taken messages keep sharing: ops (a few hundred bytes each, kept as
 * long as their plan) are written in place, one after another, rather than copied into an
 * ArrayBuffer each (a plan keeps ten thousand, and each buffer is a native allocation and two more
 * objects to collect). A message that outgrows the chunk moves to a new one.
 */
export class WireWriter {
  private buf = new Uint8Array(chunkSize);
  /** Where the message being written starts in `buf`. */
  private start = 0;
  private pos = 0;
  /** Where each open message's one-byte length placeholder is. */
  private readonly open: number[] = [];

  /** The bytes written since the last take, as an array of their own (a view of the chunk). */
  take(): Uint8Array {
    const out = this.buf.subarray(this.start, this.pos);
    this.keep();
    return out;
  }

  /**
   * Takes the bytes written since the last take without making a view: they stay where
   * {@link chunk}, {@link messageStart} and {@link position} said they were just before.
   */
  keep(): void {
    if (this.open.length > 0) throw new Error("WireWriter: a message was left open");
    this.start = this.pos;
  }

  /** The chunk the message being written is in (a later message may start a new one). */
  get chunk(): Uint8Array {
    return this.buf;
  }

  /** Where the message being written starts in {@link chunk}. */
  get messageStart(): number {
    return this.start;
  }

  /** Where the next byte goes in {@link chunk}. */
  get position(): number {
    return this.pos;
  }

  /**
   * A string's UTF-8 bytes on their own (no field), as a message of their own to take or keep. No
   * message may be open. For digests, which many ops write as their inputs.
   */
  writeText(value: string): void {
    if (this.pos !== this.start) throw new Error("WireWriter: text written inside a message");
    const n = value.length;
    this.reserve(n * 3);
    // Digests are ASCII: written by hand, without a view of the chunk per call for TextEncoder.
    let at = this.pos;
    for (let i = 0; i < n; i++) {
      const c = value.charCodeAt(i);
      if (c >= 0x80) {
        at = -1;
        break;
      }
      this.buf[at++] = c;
    }
    this.pos = at >= 0 ? at : this.pos + utf8.encodeInto(value, this.buf.subarray(this.pos)).written;
  }

  /** A string field; "" is the default and is not written. */
  string(field: number, value: string): this {
    if (value !== "") this.stringItem(field, value);
    return this;
  }

  /** A string written even when empty: an element of a repeated field or a map key or value. */
  stringItem(field: number, value: string): this {
    this.tag(field, lengthDelimited);
    const n = value.length;
    // ASCII goes straight into the buffer; anything else through TextEncoder, as protobuf-es does.
    this.reserve(n + 5);
    const lengthAt = this.pos;
    let at = lengthAt + (n < 0x80 ? 1 : n < 0x4000 ? 2 : 3);
    if (n >= 0x200000) return this.encodedString(value);
    for (let i = 0; i < n; i++) {
      const c = value.charCodeAt(i);
      if (c >= 0x80) return this.encodedString(value);
      this.buf[at++] = c;
    }
    this.writeVarintAt(lengthAt, n, at - lengthAt - n);
    this.pos = at;
    return this;
  }

  /** A bytes field of `chunk`'s bytes from `start` to `end` (not a view: planning writes thousands). */
  bytesFrom(field: number, chunk: Uint8Array, start: number, end: number): this {
    const n = end - start;
    if (n === 0) return this;
    this.tag(field, lengthDelimited);
    this.varint(n);
    this.reserve(n);
    // Byte by byte: digests are short, and a view to copy from would cost more than the copy.
    // `chunk` stays whole even when reserve moved this message to a new chunk.
    const buf = this.buf;
    let at = this.pos;
    for (let i = start; i < end; i++) buf[at++] = chunk[i]!;
    this.pos = at;
    return this;
  }

  /** A bytes field; an empty array is not written. */
  bytes(field: number, value: Uint8Array): this {
    if (value.length === 0) return this;
    this.tag(field, lengthDelimited);
    this.varint(value.length);
    this.reserve(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
    return this;
  }

  /** Bytes that are already protobuf fields (an op someone else encoded), appended as they are. */
  raw(value: Uint8Array): this {
    this.reserve(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
    return this;
  }

  /** A bool field; false is not written. */
  bool(field: number, value: boolean): this {
    if (value) this.tag(field, varintType).byte(1);
    return this;
  }

  /** A bool written even when false (a map value). */
  boolItem(field: number, value: boolean): this {
    return this.tag(field, varintType).byte(value ? 1 : 0);
  }

  /**
   * An int32, int64, uint32 or enum field of a safe integer; 0 is not written. Negative numbers
   * take ten bytes (two's complement over 64 bits), as protobuf writes int32 and int64.
   */
  int(field: number, value: number): this {
    if (value !== 0) this.tag(field, varintType).varint(value);
    return this;
  }

  /** An integer written even when 0 (a scalar in a oneof). */
  intItem(field: number, value: number): this {
    return this.tag(field, varintType).varint(value);
  }

  /** An int64 field beyond safe integers (nanosecond timestamps); 0n is not written. */
  bigint(field: number, value: bigint): this {
    if (value === 0n) return this;
    this.tag(field, varintType);
    // Ops repeat a handful of timestamps (the constant copy time, -1): their varints are kept.
    let bytes = bigintVarints.get(value);
    if (bytes === undefined) {
      const out: number[] = [];
      let v = BigInt.asUintN(64, value);
      while (v > 0x7fn) {
        out.push(Number(v & 0x7fn) | 0x80);
        v >>= 7n;
      }
      out.push(Number(v));
      bytes = Uint8Array.from(out);
      if (bigintVarints.size < 64) bigintVarints.set(value, bytes);
    }
    this.reserve(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
    return this;
  }

  /** Opens a message field (written even when empty); close it with {@link end}. */
  begin(field: number): this {
    this.tag(field, lengthDelimited);
    this.reserve(1);
    this.open.push(this.pos++);
    return this;
  }

  /** Closes the innermost open message, writing its length before it. */
  end(): this {
    const placeholder = this.open.length - 1;
    if (placeholder < 0) throw new Error("WireWriter: end without begin");
    const length = this.pos - this.open[placeholder]! - 1;
    const size = varintSize(length);
    // Room first: reserve may move the message (and its placeholders) to a new chunk.
    if (size > 1) this.reserve(size - 1);
    const at = this.open.pop()!;
    if (size > 1) {
      // The one-byte placeholder is too small: move the message up to make room.
      this.buf.copyWithin(at + size, at + 1, this.pos);
      this.pos += size - 1;
    }
    this.writeVarintAt(at, length, size);
    return this;
  }

  private encodedString(value: string): this {
    const bytes = utf8.encode(value);
    this.varint(bytes.length);
    this.reserve(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
    return this;
  }

  private tag(field: number, wireType: number): this {
    return this.varint((field << 3) | wireType);
  }

  private byte(b: number): this {
    this.reserve(1);
    this.buf[this.pos++] = b;
    return this;
  }

  private varint(value: number): this {
    this.reserve(10);
    if (value < 0) {
      this.bigintVarint(value);
      return this;
    }
    while (value > 0x7f) {
      this.buf[this.pos++] = (value % 0x80) | 0x80;
      value = Math.floor(value / 0x80);
    }
    this.buf[this.pos++] = value;
    return this;
  }

  private bigintVarint(value: number): void {
    if (value === -1) {
      // By far the most common negative value (no input, no output, keep the mode): nine 0xff, then 1.
      this.buf.fill(0xff, this.pos, this.pos + 9);
      this.pos += 9;
      this.buf[this.pos++] = 1;
      return;
    }
    let v = BigInt.asUintN(64, BigInt(value));
    while (v > 0x7fn) {
      this.buf[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
  }

  /** Writes `value` as a varint of exactly `size` bytes at `at` (size is its natural size). */
  private writeVarintAt(at: number, value: number, size: number): void {
    for (let i = 0; i < size - 1; i++) {
      this.buf[at + i] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    this.buf[at + size - 1] = value;
  }

  /** Makes room for `n` more bytes: the message so far moves to the start of a new chunk. */
  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const written = this.pos - this.start;
    let size = chunkSize;
    while (size < written + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(this.start, this.pos));
    for (let i = 0; i < this.open.length; i++) this.open[i]! -= this.start;
    this.buf = next;
    this.start = 0;
    this.pos = written;
  }
}

function varintSize(n: number): number {
  let size = 1;
  while (n > 0x7f) {
    n = Math.floor(n / 0x80);
    size++;
  }
  return size;
}
