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
import { FieldWriter, readBytesField } from "./protowire.js";

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
    const request = new FieldWriter().bytes(1, definition).bool(5, true).bool(6, true).done();
    const response = await client.channel.unary(`${bridge}/Solve`, request, callOptions);
    // SolveResponse.result = 3 → Result.ref = 3 → Ref.id = 1.
    const result = readBytesField(response, 3);
    const refMessage = result && readBytesField(result, 3);
    const id = refMessage && readBytesField(refMessage, 1);
    if (id === undefined) throw new Error("LLBBridge.Solve returned no ref");
    // ReturnRequest.result = 1 → Result { ref = 3 { id = 1 }, metadata = 10 }.
    const returned = new FieldWriter().message(1, (r) => r.message(3, (ref) => ref.bytes(1, id)).map(10, metadata)).done();
    await client.channel.unary(`${bridge}/Return`, returned, callOptions);
  } catch (error) {
    solving.catch(() => undefined);
    throw error;
  }
  return solving;
}
