import { test } from "node:test";
import assert from "node:assert/strict";
import { EbuildError } from "../../src/errors.js";
import { describeInvocation, invocationKey, InvocationStack, type Invocation } from "../../src/planner/invocation.js";

const build = (overrides: Array<[string, string]>, platform = "linux/amd64"): Invocation => ({ directory: "/r/app", name: "build", overrides, platform });

test("identical invocations share a key whatever the order of their overrides", () => {
  assert.equal(invocationKey(build([["A", "1"], ["B", "2"]])), invocationKey(build([["B", "2"], ["A", "1"]])));
  assert.equal(invocationKey(build([["A", "0"], ["A", "1"]])), invocationKey(build([["A", "1"]])), "the last value of a name wins");
});

test("invocations differing in overrides or platform have different keys", () => {
  const keys = new Set([build([]), build([["A", "1"]]), build([["A", "2"]]), build([["A", "1"]], "linux/arm64"), build([["A", "1 "]])].map(invocationKey));
  assert.equal(keys.size, 5);
});

test("invocations are described as users write them, relative to the entry's directory", () => {
  assert.equal(describeInvocation(build([["V", "1"]]), "/r/app"), "+build --V=1");
  assert.equal(describeInvocation(build([]), "/r"), "./app+build");
  assert.equal(describeInvocation(build([]), "/r/other"), "../app+build");
  assert.equal(describeInvocation(build([], "linux/arm64"), "/r/app", "linux/amd64"), "+build (linux/arm64)");
});

const at = (line: number) => ({ file: "/r/Buildfile", line, column: 5 });

test("a FROM cycle is reported with its chain at the edge that closes it", () => {
  const stack = new InvocationStack();
  stack.enter("a", "+a");
  stack.enter("b", "+b", { kind: "FROM", at: at(3) });
  stack.enter("c", "+c", { kind: "COPY", at: at(7) });
  assert.throws(
    () => stack.enter("a", "+a", { kind: "FROM", at: at(12) }),
    (err: unknown) => {
      assert.ok(err instanceof EbuildError);
      assert.equal(err.message, "target cycle: +a → +b → +c → +a");
      assert.deepEqual(err.at, at(12));
      return true;
    },
  );
});

test("a BUILD cycle is named as such", () => {
  const stack = new InvocationStack();
  stack.enter("x", "+x");
  stack.enter("a", "+a", { kind: "BUILD", at: at(2) });
  stack.enter("b", "+b", { kind: "BUILD", at: at(3) });
  assert.throws(() => stack.enter("a", "+a", { kind: "BUILD", at: at(4) }), /^EbuildError: BUILD cycle: \+a → \+b → \+a$/);
});

test("a target entered again after it was left is no cycle", () => {
  const stack = new InvocationStack();
  stack.enter("a", "+a");
  stack.enter("b", "+b", { kind: "FROM", at: at(1) });
  stack.leave("b");
  stack.enter("b", "+b", { kind: "COPY", at: at(2) });
  assert.deepEqual(stack.chain(), ["+a", "+b"]);
  assert.throws(() => stack.leave("a"), /out of order/);
});
