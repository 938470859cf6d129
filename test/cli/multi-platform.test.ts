/** Which names a multi-platform image is stored and pushed under. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { MultiPlatformNames, platformImageName } from "../../src/cli/build/multi-platform.js";
import type { ImageOutput, PlannedPlatform } from "../../src/planner/plan.js";

function image(names: string[], platform: PlannedPlatform, push = false): ImageOutput {
  return { kind: "image", target: "+img", definition: new Uint8Array(), names, push, insecure: false, config: {}, platform };
}

const amd64 = { os: "linux", architecture: "amd64" };
const arm64 = { os: "linux", architecture: "arm64" };
const armv7 = { os: "linux", architecture: "arm", variant: "v7" };

test("platform names put the platform in the tag, as Earthly does; a missing tag is latest", () => {
  assert.equal(platformImageName("host:5000/team/app:1.2", armv7), "host:5000/team/app:1.2_linux_arm_v7");
  assert.equal(platformImageName("app", arm64), "app:latest_linux_arm64");
});

test("a name saved for several platforms is stored per platform, and under its plain name for the native one", () => {
  const outputs = [image(["app:1", "solo:1"], amd64), image(["app:1"], arm64)];
  const names = new MultiPlatformNames(outputs, "linux/arm64");
  assert.equal(names.isList("app:1"), true);
  assert.equal(names.isList("solo:1"), false);
  assert.deepEqual(names.storedNames(outputs[0]!), ["app:1_linux_amd64", "solo:1"]);
  assert.deepEqual(names.storedNames(outputs[1]!), ["app:1_linux_arm64", "app:1"]);
});

test("without the native platform among them, the first saved gets the plain name", () => {
  const outputs = [image(["app:1"], armv7), image(["app:1"], arm64)];
  const names = new MultiPlatformNames(outputs, "linux/amd64");
  assert.deepEqual(names.storedNames(outputs[0]!), ["app:1_linux_arm_v7", "app:1"]);
  assert.deepEqual(names.storedNames(outputs[1]!), ["app:1_linux_arm64"]);
});

test("a list is pushed when every platform is SAVE IMAGE --push; otherwise it is reported as partial", () => {
  const all = new MultiPlatformNames([image(["app:1"], amd64, true), image(["app:1"], arm64, true)]);
  assert.deepEqual(all.wantedPushes().map(([name, variants]) => [name, variants.map((v) => v.name)]), [["app:1", ["app:1_linux_amd64", "app:1_linux_arm64"]]]);
  const some = new MultiPlatformNames([image(["app:1"], amd64, true), image(["app:1"], arm64, false)]);
  assert.deepEqual(some.wantedPushes(), []);
  assert.deepEqual(some.partialPushes().map(([name]) => name), ["app:1"]);
});
