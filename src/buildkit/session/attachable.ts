/**
 * What a session offers the daemon: each attachable contributes gRPC methods by their full path.
 */
import type { DescMessage, MessageShape, MessageInitShape } from "@bufbuild/protobuf";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import type { GenService, GenServiceMethods } from "@bufbuild/protobuf/codegenv2";
import { GrpcError, GrpcStatus, type MethodHandler, type ServerCall } from "./grpc-server.js";

/** A service (or part of one) served inside a session, e.g. file sync for build contexts or secrets. */
export interface Attachable {
  /** Handlers by full gRPC method path, e.g. `/moby.buildkit.secrets.v1.Secrets/GetSecret`. */
  readonly methods: ReadonlyMap<string, MethodHandler>;
}

/** The full gRPC path of one method of a generated service: `/package.Service/Method`. */
export function methodPath<S extends GenServiceMethods>(service: GenService<S>, method: keyof S & string): string {
  const desc = service.method[method];
  if (desc === undefined) throw new Error(`${service.typeName} has no method ${method}`);
  return `/${service.typeName}/${desc.name}`;
}

/** Adapts a typed request → response function into a handler for a unary call. */
export function unary<I extends DescMessage, O extends DescMessage>(
  input: I,
  output: O,
  answer: (request: MessageShape<I>, call: ServerCall) => Promise<MessageInitShape<O>>,
): MethodHandler {
  return async (call) => {
    let request: MessageShape<I> | undefined;
    for await (const bytes of call.messages()) {
      if (request !== undefined) throw new GrpcError(GrpcStatus.invalidArgument, "unary call sent more than one message");
      request = fromBinary(input, bytes);
    }
    if (request === undefined) throw new GrpcError(GrpcStatus.invalidArgument, "unary call sent no message");
    const response = await answer(request, call);
    await call.send(toBinary(output, create(output, response)));
  };
}

/** A handler that answers Unimplemented: BuildKit treats that as "this client has no such feature". */
export function unimplemented(path: string): MethodHandler {
  return async () => {
    throw new GrpcError(GrpcStatus.unimplemented, `${path} is not implemented by ebuild`);
  };
}
