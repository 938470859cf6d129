/**
 * Typed calls on top of GrpcChannel, driven by protobuf-es service descriptors: the method path
 * comes from the descriptor (`/moby.buildkit.v1.Control/Solve`), messages are (de)serialized with
 * the generated schemas.
 */
import { create, fromBinary, toBinary, type DescMessage, type MessageInitShape, type MessageShape } from "@bufbuild/protobuf";
import type { CallOptions, GrpcChannel } from "./channel.js";

/** The parts of a generated method descriptor that a call needs. */
export interface Rpc<I extends DescMessage, O extends DescMessage> {
  readonly name: string;
  readonly parent: { readonly typeName: string };
  readonly input: I;
  readonly output: O;
}

/** The HTTP/2 path of a method: "/<package>.<Service>/<Method>". */
export function methodPath(rpc: Rpc<DescMessage, DescMessage>): string {
  return `/${rpc.parent.typeName}/${rpc.name}`;
}

/** Encodes a request from its init shape. */
export function encodeRequest<I extends DescMessage>(schema: I, init: MessageInitShape<I>): Uint8Array {
  return toBinary(schema, create(schema, init));
}

export async function callUnary<I extends DescMessage, O extends DescMessage>(
  channel: GrpcChannel,
  rpc: Rpc<I, O>,
  input: MessageInitShape<I>,
  options?: CallOptions,
): Promise<MessageShape<O>> {
  const bytes = await channel.unary(methodPath(rpc), encodeRequest(rpc.input, input), options);
  return fromBinary(rpc.output, bytes);
}

export async function* callServerStream<I extends DescMessage, O extends DescMessage>(
  channel: GrpcChannel,
  rpc: Rpc<I, O>,
  input: MessageInitShape<I>,
  options?: CallOptions,
): AsyncGenerator<MessageShape<O>> {
  for await (const bytes of channel.serverStream(methodPath(rpc), encodeRequest(rpc.input, input), options)) {
    yield fromBinary(rpc.output, bytes);
  }
}
