import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { HealthCheckRequestSchema, HealthCheckResponseSchema, HealthCheckResponse_ServingStatus } from "../../../src/gen/grpc/health/v1/health_pb.js";
import { CredentialsRequestSchema, CredentialsResponseSchema, FetchTokenRequestSchema, GetTokenAuthorityRequestSchema } from "../../../src/gen/moby/filesync/v1/auth_pb.js";
import { GetSecretRequestSchema, GetSecretResponseSchema } from "../../../src/gen/moby/buildkit/secrets/v1/secrets_pb.js";
import { authService, fileSendService, fileSyncService, secretsService, sessionMethods } from "../../../src/buildkit/session/index.js";
import { startSession } from "./grpc-client.js";

test("the session announces every method it serves, health included", () => {
  const methods = sessionMethods([
    fileSyncService(new Map()),
    fileSendService(new Map()),
    secretsService(new Map()),
    authService({ lookup: async () => undefined }),
  ]);
  assert.deepEqual(methods.sort(), [
    "/grpc.health.v1.Health/Check",
    "/moby.buildkit.secrets.v1.Secrets/GetSecret",
    "/moby.filesync.v1.Auth/Credentials",
    "/moby.filesync.v1.Auth/FetchToken",
    "/moby.filesync.v1.Auth/GetTokenAuthority",
    "/moby.filesync.v1.Auth/VerifyTokenAuthority",
    "/moby.filesync.v1.FileSend/DiffCopy",
    "/moby.filesync.v1.FileSync/DiffCopy",
  ]);
});

test("two attachables serving the same method are refused", () => {
  assert.throws(() => sessionMethods([secretsService(new Map()), secretsService(new Map())]), /two session attachables/);
});

test("the health check answers SERVING", async () => {
  const session = startSession([]);
  try {
    const answer = await session.unary("/grpc.health.v1.Health/Check", toBinary(HealthCheckRequestSchema, create(HealthCheckRequestSchema)));
    assert.equal(answer.code, 0);
    assert.equal(fromBinary(HealthCheckResponseSchema, answer.response!).status, HealthCheckResponse_ServingStatus.SERVING);
  } finally {
    await session.close();
  }
});

test("an unknown method answers Unimplemented", async () => {
  const session = startSession([]);
  try {
    const answer = await session.unary("/moby.sshforward.v1.SSH/ForwardAgent", new Uint8Array());
    assert.equal(answer.code, 12);
    assert.match(answer.message, /unknown method/);
  } finally {
    await session.close();
  }
});

test("secrets come from values and files; unknown ids are NotFound and no value leaks into errors", async () => {
  const dir = await mkdtemp(join(tmpdir(), "ebuild-secrets-"));
  await writeFile(join(dir, "token"), "from-a-file\n");
  const session = startSession([
    secretsService(
      new Map([
        ["npmrc", { value: "//registry/:_authToken=s3cret" }],
        ["token", { file: join(dir, "token") }],
        ["gone", { file: join(dir, "missing") }],
      ]),
    ),
  ]);
  const ask = (id: string) =>
    session.unary("/moby.buildkit.secrets.v1.Secrets/GetSecret", toBinary(GetSecretRequestSchema, create(GetSecretRequestSchema, { id })));
  try {
    const cases: [string, number, string | RegExp][] = [
      ["npmrc", 0, "//registry/:_authToken=s3cret"],
      ["token", 0, "from-a-file\n"],
      ["nope", 5, /secret nope not found/],
      ["gone", 5, /secret gone: cannot read .*missing \(ENOENT\)/],
    ];
    for (const [id, code, expected] of cases) {
      const answer = await ask(id);
      assert.equal(answer.code, code, id);
      if (typeof expected === "string") {
        assert.equal(Buffer.from(fromBinary(GetSecretResponseSchema, answer.response!).data).toString(), expected);
      } else {
        assert.match(answer.message, expected);
        assert.doesNotMatch(answer.message, /s3cret|from-a-file/);
      }
    }
  } finally {
    await session.close();
  }
});

test("registry credentials come from the credential source; token authority is left to the daemon", async () => {
  const asked: string[] = [];
  const session = startSession([
    authService({
      lookup: async (host) => {
        asked.push(host);
        return host === "localhost:5000" ? { username: "ci", secret: "pa55" } : undefined;
      },
    }),
  ]);
  const credentials = async (host: string) => {
    const answer = await session.unary("/moby.filesync.v1.Auth/Credentials", toBinary(CredentialsRequestSchema, create(CredentialsRequestSchema, { host })));
    assert.equal(answer.code, 0);
    const response = fromBinary(CredentialsResponseSchema, answer.response ?? new Uint8Array());
    return { username: response.username, secret: response.secret };
  };
  try {
    assert.deepEqual(await credentials("localhost:5000"), { username: "ci", secret: "pa55" });
    assert.deepEqual(await credentials("other.example:443"), { username: "", secret: "" });
    assert.deepEqual(asked, ["localhost:5000", "other.example:443"]);
    const token = await session.unary("/moby.filesync.v1.Auth/FetchToken", toBinary(FetchTokenRequestSchema, create(FetchTokenRequestSchema, { host: "localhost:5000" })));
    assert.equal(token.code, 12);
    const authority = await session.unary(
      "/moby.filesync.v1.Auth/GetTokenAuthority",
      toBinary(GetTokenAuthorityRequestSchema, create(GetTokenAuthorityRequestSchema, { host: "localhost:5000" })),
    );
    assert.equal(authority.code, 12);
  } finally {
    await session.close();
  }
});

test("aborting the session's signal ends serveSession", async () => {
  const controller = new AbortController();
  const session = startSession([], { signal: controller.signal });
  const answer = await session.unary("/grpc.health.v1.Health/Check", toBinary(HealthCheckRequestSchema, create(HealthCheckRequestSchema)));
  assert.equal(answer.code, 0);
  controller.abort();
  await session.served;
});
