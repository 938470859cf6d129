import assert from "node:assert/strict";
import { test } from "node:test";
import { encodeMessage, MessageDecoder } from "../../src/buildkit/grpc/framing.js";

const messages = [new Uint8Array([]), new Uint8Array([1, 2, 3]), new Uint8Array(70_000).fill(7), new Uint8Array([9])];
const wire = Buffer.concat(messages.map((m) => encodeMessage(m)));

const cuts: Array<[string, number]> = [
  ["in one chunk", wire.length],
  ["byte by byte", 1],
  ["in 3-byte chunks (cutting prefixes)", 3],
  ["in 4 KiB chunks", 4096],
];

for (const [name, size] of cuts) {
  test(`messages come back whole when the stream arrives ${name}`, () => {
    const decoder = new MessageDecoder();
    const out: Uint8Array[] = [];
    for (let i = 0; i < wire.length; i += size) out.push(...decoder.push(wire.subarray(i, i + size)));
    assert.deepEqual(out.map((m) => Buffer.from(m)), messages.map((m) => Buffer.from(m)));
    assert.equal(decoder.hasPartialMessage, false);
  });
}

test("a frame carries a zero flag byte and a big-endian length", () => {
  assert.deepEqual([...encodeMessage(new Uint8Array([0xaa, 0xbb]))], [0, 0, 0, 0, 2, 0xaa, 0xbb]);
});

test("a compressed message is refused, since we never negotiate compression", () => {
  assert.throws(() => new MessageDecoder().push(new Uint8Array([1, 0, 0, 0, 0])), /compressed/);
});

test("an unfinished message is reported as partial", () => {
  const decoder = new MessageDecoder();
  assert.deepEqual(decoder.push(encodeMessage(new Uint8Array([1, 2, 3])).subarray(0, 6)), []);
  assert.equal(decoder.hasPartialMessage, true);
});
