import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  dockerConfigPath,
  parseDockerConfig,
  readDockerConfig,
  registryHost,
  serverAddress,
} from "../../../src/buildkit/credentials/index.js";
import { EbuildError } from "../../../src/errors.js";

test("registry names in every form a config key takes come down to one host", () => {
  const cases: Array<[string, string]> = [
    ["127.0.0.1:5000", "127.0.0.1:5000"],
    ["http://127.0.0.1:5000", "127.0.0.1:5000"],
    ["https://127.0.0.1:5000/v2/", "127.0.0.1:5000"],
    ["HTTPS://Registry.Example.Test/v1/", "registry.example.test"],
    ["  localhost:5001  ", "localhost:5001"],
    // Docker Hub's four spellings: what BuildKit asks for, what docker login writes, what people type.
    ["registry-1.docker.io", "index.docker.io"],
    ["https://index.docker.io/v1/", "index.docker.io"],
    ["docker.io", "index.docker.io"],
    ["index.docker.io", "index.docker.io"],
  ];
  for (const [name, host] of cases) assert.equal(registryHost(name), host, name);
});

test("the server address handed to helpers is Docker Hub's URL or the plain host", () => {
  assert.equal(serverAddress("registry-1.docker.io"), "https://index.docker.io/v1/");
  assert.equal(serverAddress("docker.io"), "https://index.docker.io/v1/");
  assert.equal(serverAddress("http://127.0.0.1:5000/"), "127.0.0.1:5000");
});

test("the config file is $DOCKER_CONFIG/config.json, else ~/.docker/config.json", () => {
  assert.equal(dockerConfigPath({ DOCKER_CONFIG: "/tmp/dc", HOME: "/home/u" }), "/tmp/dc/config.json");
  assert.equal(dockerConfigPath({ DOCKER_CONFIG: "", HOME: "/home/u" }), "/home/u/.docker/config.json");
  assert.equal(dockerConfigPath({ HOME: "/home/u" }), "/home/u/.docker/config.json");
});

test("a missing config file holds no credentials", async () => {
  const dir = await mkdtemp(join(tmpdir(), "ebuild-dc-"));
  try {
    const config = await readDockerConfig(join(dir, "config.json"));
    assert.deepEqual(config.auths, {});
    assert.deepEqual(config.credHelpers, {});
    assert.equal(config.credsStore, undefined);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("a config file is read with its auths, credHelpers and credsStore", async () => {
  const dir = await mkdtemp(join(tmpdir(), "ebuild-dc-"));
  try {
    const path = join(dir, "config.json");
    await writeFile(
      path,
      JSON.stringify({
        auths: { "127.0.0.1:5000": { auth: "YTpi", email: "ignored@example.test" } },
        credHelpers: { "127.0.0.1:6000": "pass" },
        credsStore: "desktop",
        HttpHeaders: { "User-Agent": "x" },
      }),
    );
    const config = await readDockerConfig(path);
    assert.deepEqual(config, {
      path,
      auths: { "127.0.0.1:5000": { auth: "YTpi" } },
      credHelpers: { "127.0.0.1:6000": "pass" },
      credsStore: "desktop",
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("a broken config is an error that names the file and never quotes a secret", () => {
  const secret = "hunter2-do-not-print";
  const cases: Array<[string, RegExp]> = [
    [`{"auths": {"h": {"auth": "${secret}"`, /is not JSON/],
    [`["${secret}"]`, /top level must be an object/],
    [`{"auths": {"h": {"password": 42}}, "x": "${secret}"}`, /"auths\.h\.password" must be a string/],
    [`{"auths": "${secret}"}`, /"auths" must be an object/],
    [`{"credHelpers": {"h": 1}, "x": "${secret}"}`, /"credHelpers\.h" must be a string/],
    [`{"credsStore": 7, "x": "${secret}"}`, /"credsStore" must be a string/],
  ];
  for (const [text, message] of cases) {
    assert.throws(
      () => parseDockerConfig(text, "/cfg/config.json"),
      (error: unknown) =>
        error instanceof EbuildError &&
        message.test(error.message) &&
        error.message.includes("/cfg/config.json") &&
        !error.message.includes(secret),
      text,
    );
  }
});
