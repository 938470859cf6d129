import { test } from "node:test";
import assert from "node:assert/strict";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dockerCredentialSource } from "../../../src/buildkit/credentials/index.js";
import { EbuildError } from "../../../src/errors.js";

test("a build's credential source runs the helper once per registry, failures included", async () => {
  const dir = await mkdtemp(join(tmpdir(), "ebuild-source-"));
  try {
    const log = join(dir, "asked.log");
    const helper = join(dir, "docker-credential-counting");
    await writeFile(
      helper,
      `#!/bin/sh\nIFS= read -r server\necho "$server" >> "${log}"\n` +
        `case "$server" in\n  127.0.0.1:7101) echo '{"Username":"u","Secret":"s"}' ;;\n` +
        `  127.0.0.1:7102) echo "locked" >&2; exit 5 ;;\n  *) echo "credentials not found in native keychain"; exit 1 ;;\nesac\n`,
    );
    await chmod(helper, 0o755);
    await writeFile(join(dir, "config.json"), JSON.stringify({ credsStore: "counting" }));
    const source = dockerCredentialSource({ env: { DOCKER_CONFIG: dir, PATH: `${dir}:/usr/bin:/bin` } });

    for (const host of ["127.0.0.1:7101", "http://127.0.0.1:7101", "127.0.0.1:7101"]) {
      assert.deepEqual(await source.lookup(host), { username: "u", secret: "s" }, host);
    }
    assert.equal(await source.lookup("127.0.0.1:7103"), undefined);
    assert.equal(await source.lookup("127.0.0.1:7103"), undefined);
    for (let i = 0; i < 2; i++) {
      await assert.rejects(source.lookup("127.0.0.1:7102"), (error: unknown) => {
        assert.ok(error instanceof EbuildError);
        assert.match(error.message, /exit code 5\): locked/);
        return true;
      });
    }
    const asked = (await readFile(log, "utf8")).trim().split("\n");
    assert.deepEqual(asked, ["127.0.0.1:7101", "127.0.0.1:7103", "127.0.0.1:7102"]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
