/**
 * gRPC's length-prefixed messages: one flag byte (1 = compressed), a 4-byte big-endian length and
 * the serialized message. We never compress and never advertise compression, so a compressed
 * message from the server is a protocol error.
 */

/** Prefixes one serialized message for the wire. */
export function encodeMessage(message: Uint8Array): Uint8Array {
  const frame = new Uint8Array(5 + message.length);
  new DataView(frame.buffer).setUint32(1, message.length);
  frame.set(message, 5);
  return frame;
}

/** Splits a byte stream back into messages, however the chunks happen to be cut. */
export class MessageDecoder {
  private pending: Uint8Array[] = [];
  private pendingLength = 0;

  /** Adds a chunk and returns every message that is now complete. */
  push(chunk: Uint8Array): Uint8Array[] {
    this.pending.push(chunk);
    this.pendingLength += chunk.length;
    const messages: Uint8Array[] = [];
    for (;;) {
      if (this.pendingLength < 5) break;
      const head = this.peek(5);
      if (head[0] !== 0) throw new Error(`compressed gRPC message (flag ${head[0]}) but no compression was negotiated`);
      const length = new DataView(head.buffer, head.byteOffset, 5).getUint32(1);
      if (this.pendingLength < 5 + length) break;
      const frame = this.take(5 + length);
      messages.push(frame.subarray(5));
    }
    return messages;
  }

  /** True when bytes of an unfinished message are left over. */
  get hasPartialMessage(): boolean {
    return this.pendingLength > 0;
  }

  private peek(count: number): Uint8Array {
    const first = this.pending[0]!;
    if (first.length >= count) return first.subarray(0, count);
    return this.concat(count, false);
  }

  private take(count: number): Uint8Array {
    const first = this.pending[0]!;
    if (first.length === count) {
      this.pending.shift();
      this.pendingLength -= count;
      return first;
    }
    if (first.length > count) {
      this.pending[0] = first.subarray(count);
      this.pendingLength -= count;
      return first.subarray(0, count);
    }
    return this.concat(count, true);
  }

  private concat(count: number, consume: boolean): Uint8Array {
    const out = new Uint8Array(count);
    let filled = 0;
    let index = 0;
    while (filled < count) {
      const chunk = this.pending[index]!;
      const used = Math.min(chunk.length, count - filled);
      out.set(chunk.subarray(0, used), filled);
      filled += used;
      if (consume) {
        if (used === chunk.length) this.pending.shift();
        else this.pending[0] = chunk.subarray(used);
      } else {
        index++;
      }
    }
    if (consume) this.pendingLength -= count;
    return out;
  }
}
