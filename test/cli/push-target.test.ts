import assert from "node:assert/strict";
import { test } from "node:test";
import { pushTargetOf, type PushTarget } from "../../src/buildkit/engine-push.js";

const cases: Array<[string, PushTarget]> = [
  ["127.0.0.1:5000/team/app:1.2", { repository: "127.0.0.1:5000/team/app", tag: "1.2", registryHost: "127.0.0.1:5000" }],
  ["localhost/app", { repository: "localhost/app", tag: "latest", registryHost: "localhost" }],
  ["registry.example.test/app@sha256:abc", { repository: "registry.example.test/app", tag: "latest", registryHost: "registry.example.test" }],
  ["team/app:2", { repository: "team/app", tag: "2", registryHost: "docker.io" }],
  ["busybox", { repository: "busybox", tag: "latest", registryHost: "docker.io" }],
];
for (const [name, expected] of cases) {
  test(`the image ${name} is pushed as ${expected.repository}:${expected.tag} to ${expected.registryHost}`, () => {
    assert.deepEqual(pushTargetOf(name), expected);
  });
}
