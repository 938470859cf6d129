import { test } from "node:test";
import assert from "node:assert/strict";
import { EbuildError } from "../../../src/errors.js";
import { image, parsePlatform, scratch } from "../../../src/planner/llb/index.js";

test("a state is never changed by deriving another from it", () => {
  const base = image("busybox").env("A", "1").dir("/app");
  const child = base.env("A", "2").dir("sub").user("nobody");
  assert.equal(base.getEnv("A"), "1");
  assert.equal(base.getDir(), "/app");
  assert.equal(base.getUser(), "");
  assert.equal(child.getEnv("A"), "2");
  assert.equal(child.getDir(), "/app/sub");
  assert.equal(child.getUser(), "nobody");
  assert.equal(child.output, base.output);
});

test("env keeps its order and a variable set again moves to the end", () => {
  const s = scratch().env("A", "1").env("B", "2").env("A", "3").env("C", "4").unsetEnv("B");
  assert.deepEqual(s.envList(), [["A", "3"], ["C", "4"]]);
});

test("the working directory resolves relative paths against the current one", () => {
  const cases: Array<[string[], string]> = [
    [[], "/"],
    [["/a"], "/a"],
    [["/a", "b"], "/a/b"],
    [["/a", "b", ".."], "/a"],
    [["/a", "/c/"], "/c"],
  ];
  for (const [dirs, want] of cases) {
    assert.equal(dirs.reduce((s, d) => s.dir(d), scratch()).getDir(), want, dirs.join(" "));
  }
});

test("settings survive a RUN: its root keeps env, dir, user and platform", () => {
  const p = { os: "linux", architecture: "arm64" };
  const base = image("busybox", { platform: p }).env("X", "y").dir("/w").user("1000").network("none");
  const after = base.run({ args: ["true"] }).root();
  assert.equal(after.getEnv("X"), "y");
  assert.equal(after.getDir(), "/w");
  assert.equal(after.getUser(), "1000");
  assert.deepEqual(after.getPlatform(), p);
  assert.equal(after.getNetwork(), "none");
  assert.notEqual(after.output, base.output);
});

test("user mistakes are EbuildErrors of kind semantic", () => {
  const mistakes: Array<[string, () => unknown]> = [
    ["bad image reference", () => image("Not/Valid")],
    ["bad platform", () => parsePlatform("linux")],
    ["RUN without a command", () => image("busybox").run({ args: [] })],
    ["two mounts on one target", () => image("busybox").run({ args: "true", mounts: [{ type: "tmpfs", target: "/t" }, { type: "tmpfs", target: "/t/" }] })],
  ];
  for (const [name, mistake] of mistakes) {
    assert.throws(mistake, (e: unknown) => e instanceof EbuildError && e.kind === "semantic", name);
  }
});
