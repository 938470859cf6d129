// Credentials resolved by ebuild's own lookup (no docker login) open a registry with auth.
import { test } from "node:test";
import assert from "node:assert/strict";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lookup, type Credentials } from "../../src/buildkit/credentials/index.js";
import { startRegistry } from "../support/registry.js";

const user = "ci-bot";
const password = "s3cret with spaces:and colons";

function basic(credentials: Credentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.secret}`).toString("base64")}`;
}

async function status(address: string, authorization?: string): Promise<number> {
  const response = await fetch(`http://${address}/v2/`, authorization ? { headers: { authorization } } : {});
  await response.arrayBuffer();
  return response.status;
}

test("credentials from a docker config's auths open a registry with auth", async () => {
  const registry = await startRegistry({ auth: { user, password } });
  const dir = await mkdtemp(join(tmpdir(), "ebuild-creds-int-"));
  try {
    const auth = Buffer.from(`${user}:${password}`).toString("base64");
    // The key in the form an older `docker login http://…` wrote it.
    await writeFile(join(dir, "config.json"), JSON.stringify({ auths: { [`http://${registry.address}`]: { auth } } }));
    const credentials = await lookup(registry.address, { env: { DOCKER_CONFIG: dir, PATH: process.env.PATH } });
    assert.deepEqual(credentials, { username: user, secret: password });

    assert.equal(await status(registry.address), 401);
    assert.equal(await status(registry.address, basic({ username: user, secret: "wrong" })), 401);
    assert.equal(await status(registry.address, basic(credentials)), 200);
  } finally {
    await registry.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

test("credentials from a credential helper open a registry with auth", async () => {
  const registry = await startRegistry({ auth: { user, password } });
  const dir = await mkdtemp(join(tmpdir(), "ebuild-creds-int-"));
  try {
    const bin = join(dir, "bin");
    await mkdir(bin);
    // A helper that knows exactly this registry, as `docker login` with credsStore would leave it.
    const helper = join(bin, "docker-credential-ebuildint");
    await writeFile(
      helper,
      `#!/bin/sh\nIFS= read -r server\nif [ "$server" = "${registry.address}" ]; then\n` +
        `  printf '%s' '${JSON.stringify({ ServerURL: registry.address, Username: user, Secret: password })}'\n` +
        `else echo "credentials not found in native keychain"; exit 1; fi\n`,
    );
    await chmod(helper, 0o755);
    await writeFile(join(dir, "config.json"), JSON.stringify({ credsStore: "ebuildint" }));
    const env = { DOCKER_CONFIG: dir, PATH: `${bin}:${process.env.PATH ?? "/usr/bin:/bin"}` };

    const credentials = await lookup(registry.address, { env });
    assert.ok(credentials);
    assert.equal(await status(registry.address, basic(credentials)), 200);
    assert.equal(await lookup("127.0.0.1:1", { env }), undefined);
  } finally {
    await registry.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
