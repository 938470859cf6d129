/**
 * Secrets for `RUN --mount=type=secret`: values registered by id, read from memory or from a file at
 * the moment the daemon asks. Values never appear in errors or logs.
 */
import { readFile } from "node:fs/promises";
import { GetSecretRequestSchema, GetSecretResponseSchema, Secrets } from "../../gen/moby/buildkit/secrets/v1/secrets_pb.js";
import { methodPath, unary, type Attachable } from "./attachable.js";
import { GrpcError, GrpcStatus } from "./grpc-server.js";

/** Where a secret's value comes from: a value given directly, or a file read on demand. */
export type SecretSource = { value: string | Uint8Array } | { file: string };

/** Serves the given secrets by id; unknown ids get NotFound, which the daemon reports by id. */
export function secretsService(secrets: ReadonlyMap<string, SecretSource>): Attachable {
  const getSecret = unary(GetSecretRequestSchema, GetSecretResponseSchema, async (request) => {
    const source = secrets.get(request.id);
    if (source === undefined) throw new GrpcError(GrpcStatus.notFound, `secret ${request.id} not found`);
    if ("file" in source) {
      try {
        return { data: await readFile(source.file) };
      } catch (err) {
        // Name the id and the file, never the contents.
        const reason = (err as NodeJS.ErrnoException).code ?? "unreadable";
        throw new GrpcError(GrpcStatus.notFound, `secret ${request.id}: cannot read ${source.file} (${reason})`);
      }
    }
    return { data: typeof source.value === "string" ? Buffer.from(source.value, "utf8") : source.value };
  });
  return { methods: new Map([[methodPath(Secrets, "getSecret"), getSecret]]) };
}
