import assert from "node:assert/strict";
import { test } from "node:test";
import { cacheSecrets, parseCacheFlag, refuseClientStoreCaches, remoteCacheEntries, type CacheFlag } from "../../src/cli/cache-spec.js";
import { EbuildError } from "../../src/errors.js";

const plain = { cwd: "/project", env: {} };
const runner = { cwd: "/project", env: { ACTIONS_RUNTIME_TOKEN: "tok", ACTIONS_CACHE_URL: "http://cache.invalid/", ACTIONS_RESULTS_URL: "http://results.invalid/" } };

const caches: Array<[string, "--cache-from" | "--cache-to", typeof plain, CacheFlag]> = [
  ["127.0.0.1:5000/app:cache", "--cache-from", plain, { type: "registry", attrs: { ref: "127.0.0.1:5000/app:cache" } }],
  ["type=registry,ref=127.0.0.1:5000/app:cache,mode=max", "--cache-to", plain, { type: "registry", attrs: { ref: "127.0.0.1:5000/app:cache", mode: "max" } }],
  ["type=inline", "--cache-to", plain, { type: "inline", attrs: {} }],
  ["type=local,src=.cache", "--cache-from", plain, { type: "local", attrs: { src: "/project/.cache" } }],
  ["type=local,dest=/tmp/c,mode=max", "--cache-to", plain, { type: "local", attrs: { dest: "/tmp/c", mode: "max" } }],
  ["type=gha", "--cache-from", runner, { type: "gha", attrs: { token: "tok", url: "http://cache.invalid/" } }],
  ["type=gha,scope=app,mode=max", "--cache-to", runner, { type: "gha", attrs: { scope: "app", mode: "max", token: "tok", url: "http://cache.invalid/" } }],
  [
    "type=gha",
    "--cache-to",
    { ...runner, env: { ...runner.env, ACTIONS_CACHE_SERVICE_V2: "true" } },
    { type: "gha", attrs: { version: "2", token: "tok", url: "http://cache.invalid/", url_v2: "http://results.invalid/" } },
  ],
  ["type=gha,token=mine,url=http://mine.invalid/", "--cache-to", plain, { type: "gha", attrs: { token: "mine", url: "http://mine.invalid/" } }],
  ["type=s3,bucket=b,region=r", "--cache-to", plain, { type: "s3", attrs: { bucket: "b", region: "r" } }],
];
for (const [spec, flag, context, expected] of caches) {
  test(`${flag} ${spec} is a ${expected.type} cache`, () => assert.deepEqual(parseCacheFlag(spec, flag, context), expected));
}

const bad: Array<[string, "--cache-from" | "--cache-to", RegExp]> = [
  ["type=registry", "--cache-from", /needs ref=IMAGE/],
  ["type=inline", "--cache-from", /not a cache source/],
  ["type=local", "--cache-to", /needs dest=DIR/],
  ["type=local,dest=x", "--cache-from", /needs src=DIR/],
  ["type=gha", "--cache-to", /needs the GitHub Actions cache service/],
  ["type=registry,ref", "--cache-to", /"ref" is not KEY=VALUE/],
];
for (const [spec, flag, message] of bad) {
  test(`${flag} ${spec} is a usage error`, () =>
    assert.throws(() => parseCacheFlag(spec, flag, plain), (e: unknown) => e instanceof EbuildError && e.kind === "usage" && message.test(e.message)));
}

test("a local cache is refused before the build, naming the folder", () => {
  const local = parseCacheFlag("type=local,dest=out/cache", "--cache-to", plain);
  assert.throws(() => refuseClientStoreCaches([local], "--cache-to"), /--cache-to type=local \(\/project\/out\/cache\) is not supported/);
  assert.doesNotThrow(() => refuseClientStoreCaches([{ type: "inline", attrs: {} }], "--cache-to"));
});

test("the gha token is a secret to redact", () => {
  assert.deepEqual(cacheSecrets([parseCacheFlag("type=gha", "--cache-from", runner), { type: "inline", attrs: {} }]), ["tok"]);
});

test("--remote-cache imports always and exports only under --push, mode=max with --max-remote-cache", () => {
  assert.deepEqual(remoteCacheEntries("r/app:cache", { push: false, max: true }), { imports: [{ type: "registry", attrs: { ref: "r/app:cache" } }], exports: [] });
  assert.deepEqual(remoteCacheEntries("r/app:cache", { push: true, max: true }).exports, [{ type: "registry", attrs: { ref: "r/app:cache", mode: "max" } }]);
  assert.deepEqual(remoteCacheEntries("r/app:cache", { push: true, max: false }).exports, [{ type: "registry", attrs: { ref: "r/app:cache" } }]);
});
