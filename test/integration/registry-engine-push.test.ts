// Pushing through Docker Engine's API (how images built by Docker's BuildKit reach a registry) with
// the X-Registry-Auth header made from ebuild's credential lookup: no docker login anywhere.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { request } from "node:http";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { lookup, registryAuthHeader, registryAuthValue } from "../../src/buildkit/credentials/index.js";
import { startRegistry } from "../support/registry.js";

const run = promisify(execFile);
const user = "engine";
const password = "engine:pass word";

/** POST /images/{name}/push on the local Docker socket; resolves with the stream's error, if any. */
function enginePush(name: string, tag: string, auth: string): Promise<string | undefined> {
  const socketPath = (process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock").replace(/^unix:\/\//, "");
  return new Promise((resolve, reject) => {
    const req = request(
      { socketPath, method: "POST", path: `/images/${name}/push?tag=${encodeURIComponent(tag)}`, headers: { [registryAuthHeader]: auth } },
      (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (body += chunk));
        response.on("end", () => {
          if (response.statusCode !== 200) return resolve(`HTTP ${response.statusCode}: ${body.trim()}`);
          // A JSON message stream; a failure is a message with "error", still under HTTP 200.
          const failure = body
            .split("\n")
            .filter((line) => line.trim() !== "")
            .map((line) => JSON.parse(line) as { error?: string })
            .find((message) => message.error !== undefined);
          resolve(failure?.error);
        });
      },
    );
    req.on("error", reject);
    req.end();
  });
}

test("an image is pushed through Docker's API with credentials from the Docker config", async () => {
  const registry = await startRegistry({ auth: { user, password } });
  const dir = await mkdtemp(join(tmpdir(), "ebuild-engine-push-"));
  const name = `${registry.address}/ebuild-test/engine`;
  await run("docker", ["tag", "ebuild-fixture/busybox:latest", `${name}:1`]);
  try {
    const auth = Buffer.from(`${user}:${password}`).toString("base64");
    await writeFile(join(dir, "config.json"), JSON.stringify({ auths: { [`https://${registry.address}`]: { auth } } }));
    const credentials = await lookup(registry.address, { env: { DOCKER_CONFIG: dir, PATH: process.env.PATH } });

    const anonymous = await enginePush(name, "1", registryAuthValue(registry.address, undefined));
    assert.match(anonymous ?? "", /no basic auth credentials|unauthorized/i);
    const wrong = await enginePush(name, "1", registryAuthValue(registry.address, { username: user, secret: "wrong" }));
    assert.match(wrong ?? "", /unauthorized|authentication required/i);

    assert.equal(await enginePush(name, "1", registryAuthValue(registry.address, credentials)), undefined);
    const tags = await fetch(`http://${registry.address}/v2/ebuild-test/engine/tags/list`, {
      headers: { authorization: `Basic ${auth}` },
    });
    assert.deepEqual(await tags.json(), { name: "ebuild-test/engine", tags: ["1"] });
  } finally {
    await run("docker", ["rmi", `${name}:1`]).catch(() => undefined);
    await registry.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
