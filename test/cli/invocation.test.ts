import { test } from "node:test";
import assert from "node:assert/strict";
import { parseSecretFileFlag, parseSecretFlag, parseTargetOperands } from "../../src/cli/invocation.js";
import { EbuildError } from "../../src/errors.js";

test("targets and the build args that follow each of them", () => {
  const cases: Array<[string[], ReturnType<typeof parseTargetOperands>]> = [
    [["+all"], [{ ref: "+all", args: [] }]],
    [["+build", "--VERSION=1.2", "--NAME", "x y"], [{ ref: "+build", args: [{ name: "VERSION", value: "1.2" }, { name: "NAME", value: "x y" }] }]],
    [["+lint", "+test", "--V=a", "--V=b"], [{ ref: "+lint", args: [] }, { ref: "+test", args: [{ name: "V", value: "a" }, { name: "V", value: "b" }] }]],
    [["./svc/api+docker", "../lib+test", "/abs/dir+t"], [{ ref: "./svc/api+docker", args: [] }, { ref: "../lib+test", args: [] }, { ref: "/abs/dir+t", args: [] }]],
    [["+t", "--EMPTY="], [{ ref: "+t", args: [{ name: "EMPTY", value: "" }] }]],
    [["alias+t"], [{ ref: "alias+t", args: [] }]],
    [["github.com/org/repo/sub:v1.2+t", "--A=1"], [{ ref: "github.com/org/repo/sub:v1.2+t", args: [{ name: "A", value: "1" }] }]],
  ];
  for (const [operands, expected] of cases) assert.deepEqual(parseTargetOperands(operands), expected, operands.join(" "));
});

test("operands that are not targets or args are usage errors with a hint", () => {
  const cases: Array<[string[], RegExp]> = [
    [["--X=1", "+t"], /comes before any target/],
    [["build"], /not a target reference/],
    [["+Build"], /not a target reference/],
    [["+t", "--X"], /has no value/],
    [["+t", "--X", "+u"], /has no value/],
    [["+t", "--1X=2"], /not a valid build arg name/],
  ];
  for (const [operands, message] of cases) {
    assert.throws(() => parseTargetOperands(operands), (error: unknown) => {
      assert.ok(error instanceof EbuildError);
      assert.equal(error.exitCode, 2);
      assert.match(error.message, message);
      assert.ok(error.hint);
      return true;
    }, operands.join(" "));
  }
});

test("secrets come from the flag, from the environment, or from a file", () => {
  assert.deepEqual(parseSecretFlag("token=s3cr=t", {}), { id: "token", value: "s3cr=t" });
  assert.deepEqual(parseSecretFlag("TOKEN", { TOKEN: "from-env" }), { id: "TOKEN", value: "from-env" });
  assert.throws(() => parseSecretFlag("MISSING", {}), /no environment variable MISSING/);
  assert.throws(() => parseSecretFlag("bad id=1", {}), /not a valid secret id/);
  assert.deepEqual(parseSecretFileFlag("npmrc=./.npmrc"), { id: "npmrc", path: "./.npmrc" });
  assert.throws(() => parseSecretFileFlag("npmrc"), /expected ID=PATH/);
});
