import { test } from "node:test";
import assert from "node:assert/strict";
import { registryAuthValue } from "../../../src/buildkit/credentials/index.js";

const decode = (value: string) => JSON.parse(Buffer.from(value, "base64url").toString("utf8")) as unknown;

test("X-Registry-Auth carries a password, an identity token, or nothing", () => {
  const cases: Array<[string, Parameters<typeof registryAuthValue>, unknown]> = [
    ["password", ["127.0.0.1:5000", { username: "u", secret: "p?/+" }], { serveraddress: "127.0.0.1:5000", username: "u", password: "p?/+" }],
    ["identity token", ["registry-1.docker.io", { username: "", secret: "tok" }], { serveraddress: "https://index.docker.io/v1/", identitytoken: "tok" }],
    ["anonymous", ["127.0.0.1:5000", undefined], {}],
  ];
  for (const [name, args, want] of cases) {
    const value = registryAuthValue(...args);
    assert.match(value, /^[A-Za-z0-9_-]*={0,2}$/, `${name}: padded base64url, no + or /`);
    assert.equal(value.length % 4, 0, `${name}: padded`);
    assert.deepEqual(decode(value), want, name);
  }
});
