/**
 * Test helper: a build whose result carries metadata, the way an image configuration reaches
 * Docker's `moby` exporter. That exporter reads `containerimage.config` only from the result's
 * metadata (never from its attributes), and a plain Solve with a definition has no metadata; a
 * gateway ("bridge") build does: Solve without a definition opens it, LLBBridge.Solve evaluates our
 * definition into a ref, and LLBBridge.Return hands back the ref with the metadata, which the
 * Solve's exporters then export. This is what Earthly's and buildx's gateway clients do.
 *
 * Our protos do not have LLBBridge.Solve nor Result.ref yet, so the three messages involved are
 * written and read here by field number (BuildKit v0.13 frontend/gateway/pb/gateway.proto). The
 * executor should get these through generated code; nothing outside tests should use this.
 */
import type { BuildkitClient, SolveOptions, SolveResult } from "../../src/buildkit/client.js";
import { newBuildRef } from "../../src/buildkit/client.js";
import { buildIdMetadataKey } from "../../src/buildkit/image-config.js";

const bridge = "/moby.buildkit.v1.frontend.LLBBridge";

/** Solves `definition` in a bridge build and exports its result with `metadata` attached. */
export async function exportWithMetadata(
  client: BuildkitClient,
  solve: Omit<SolveOptions, "ref" | "definition"> & { definition: Uint8Array; metadata: Record<string, Uint8Array> },
): Promise<SolveResult> {
  const ref = newBuildRef();
  const { definition, metadata, ...rest } = solve;
  const solving = client.solve({ ...rest, ref });
  const callOptions = { metadata: { [buildIdMetadataKey]: ref }, timeoutMs: 120_000 };
  try {
    // SolveRequest: Definition = 1, allowResultReturn = 5, allowResultArrayRef = 6 (else the ref
    // comes back in the deprecated string field).
    const request = concat(field(1, definition), varintField(5, 1), varintField(6, 1));
    const response = await client.channel.unary(`${bridge}/Solve`, request, callOptions);
    // SolveResponse.result = 3 → Result.ref = 3 → Ref.id = 1.
    const result = readField(response, 3);
    const refMessage = result && readField(result, 3);
    const id = refMessage && readField(refMessage, 1);
    if (id === undefined) throw new Error("LLBBridge.Solve returned no ref");
    // ReturnRequest.result = 1 → Result { ref = 3 { id = 1 }, metadata = 10 (map entries) }.
    const entries = Object.entries(metadata).map(([key, value]) => field(10, concat(field(1, Buffer.from(key)), field(2, value))));
    await client.channel.unary(`${bridge}/Return`, field(1, concat(field(3, field(1, id)), ...entries)), callOptions);
  } catch (error) {
    solving.catch(() => undefined);
    throw error;
  }
  return solving;
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  while (value > 0x7f) {
    bytes.push((value & 0x7f) | 0x80);
    value = Math.floor(value / 128);
  }
  bytes.push(value);
  return Buffer.from(bytes);
}

function field(number: number, bytes: Uint8Array): Buffer {
  return Buffer.concat([varint((number << 3) | 2), varint(bytes.length), bytes]);
}

function varintField(number: number, value: number): Buffer {
  return Buffer.concat([varint(number << 3), varint(value)]);
}

function concat(...parts: Uint8Array[]): Buffer {
  return Buffer.concat(parts);
}

/** The bytes of the first length-delimited field `number`, skipping every other field. */
function readField(message: Uint8Array, number: number): Uint8Array | undefined {
  let offset = 0;
  const readVarint = () => {
    let value = 0;
    let shift = 1;
    for (;;) {
      const byte = message[offset++]!;
      value += (byte & 0x7f) * shift;
      if (byte < 0x80) return value;
      shift *= 128;
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
      if (key >>> 3 === number) return message.subarray(offset, offset + length);
      offset += length;
    } else throw new Error(`unexpected wire type ${wireType}`);
  }
  return undefined;
}
