import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadFlagDefaults, parseDotenv } from "../../src/cli/settings.js";

async function dirWith(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "ebuild-settings-"));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

test("dotenv lines: quotes, export, comments", () => {
  const values = parseDotenv(['# comment', 'A=1', 'export B="two words"', "C='single # kept'", "D=plain # dropped", "E="].join("\n"), ".env");
  assert.deepEqual([...values], [["A", "1"], ["B", "two words"], ["C", "single # kept"], ["D", "plain"], ["E", ""]]);
  assert.throws(() => parseDotenv("A=1\nnot a line", ".env"), (error: Error & { at?: { line: number } }) => error.at?.line === 2);
});

test("flag defaults come from EBUILD_*, then EARTHLY_*, then .env", async () => {
  const dir = await dirWith({ ".env": "EBUILD_PUSH=true\nEARTHLY_NO_CACHE=1\nEBUILD_PLATFORMS=linux/arm64\n" });
  const defaults = await loadFlagDefaults(dir, { EBUILD_PLATFORMS: "linux/amd64", EARTHLY_ALLOW_PRIVILEGED: "yes", EBUILD_CI: "false" });
  assert.equal(defaults.push, true);
  assert.equal(defaults.noCache, true);
  assert.equal(defaults.allowPrivileged, true);
  assert.equal(defaults.ci, false);
  assert.equal(defaults.platform, "linux/amd64", "the environment wins over .env");
  assert.equal(defaults.output, undefined);
});

test("build args and secrets from .arg, .secret and the environment", async () => {
  const dir = await dirWith({ ".arg": "VERSION=1.2\n", ".secret": "token=abc\n" });
  const defaults = await loadFlagDefaults(dir, { EBUILD_BUILD_ARGS: "A=1,B=x=y", EBUILD_SECRET_FILES: "npmrc=/tmp/npmrc" });
  assert.deepEqual(defaults.buildArgs, [{ name: "VERSION", value: "1.2" }, { name: "A", value: "1" }, { name: "B", value: "x=y" }]);
  assert.deepEqual(defaults.secrets, [{ id: "token", value: "abc" }]);
  assert.deepEqual(defaults.secretFiles, [{ id: "npmrc", path: "/tmp/npmrc" }]);
});

test("a bad boolean names the variable", async () => {
  const dir = await dirWith({});
  await assert.rejects(loadFlagDefaults(dir, { EBUILD_PUSH: "maybe" }), /EBUILD_PUSH=maybe is not a boolean/);
});

test("strict, remote cache and cache specs have environment defaults", async () => {
  const dir = await dirWith({ ".env": "EBUILD_CACHE_TO=type=inline\n" });
  const defaults = await loadFlagDefaults(dir, {
    EARTHLY_STRICT: "true",
    EARTHLY_REMOTE_CACHE: "127.0.0.1:5000/app:cache",
    EBUILD_MAX_REMOTE_CACHE: "1",
    EBUILD_CACHE_FROM: "127.0.0.1:5000/a:1; type=registry,ref=127.0.0.1:5000/b:cache",
  });
  assert.equal(defaults.strict, true);
  assert.equal(defaults.remoteCache, "127.0.0.1:5000/app:cache");
  assert.equal(defaults.maxRemoteCache, true);
  assert.deepEqual(defaults.cacheFrom, ["127.0.0.1:5000/a:1", "type=registry,ref=127.0.0.1:5000/b:cache"]);
  assert.deepEqual(defaults.cacheTo, ["type=inline"], "from .env");
});
