import { test } from "node:test";
import assert from "node:assert/strict";
import { ExpansionError, expandWord, expandWordSync, type ExpansionErrorKind } from "../../../src/planner/expand/index.js";
import { lookup } from "./cases.js";

// [word, kind, offset, length, message fragment]: the offset points at the faulty construct so the
// planner can report Buildfile:line:col.
const table: Array<[string, ExpansionErrorKind, number, number, string]> = [
  ["he'llo", "unterminated-quote", 2, 1, "single-quote"],
  ['say "hello', "unterminated-quote", 4, 1, "double-quote"],
  ['"hello\\"', "unterminated-quote", 0, 1, "double-quote"],
  ["he\\\\'llo", "unterminated-quote", 4, 1, "single-quote"],
  ["x${}", "bad-substitution", 1, 3, "bad substitution"],
  ["${:-bbb}", "bad-substitution", 0, 8, "bad substitution"],
  ["${{aaa}", "bad-substitution", 0, 7, "bad substitution"],
  ["ab${", "missing-brace", 2, 2, "missing '}'"],
  ["he${PWD", "missing-brace", 2, 5, "missing '}'"],
  ["${aaa:-bbb", "missing-brace", 0, 10, "missing '}'"],
  ["${aaa:-bbb ${foo}", "missing-brace", 0, 17, "missing '}'"],
  ["${PWD:=000}", "unsupported-modifier", 0, 11, "(:=)"],
  ["${XXX:YYY}", "unsupported-modifier", 0, 10, "(:Y)"],
  ["a${X=1}", "unsupported-modifier", 1, 6, "(=)"],
  ["he${.}", "unsupported-modifier", 2, 4, "(.)"],
  ["${V//b}", "missing-slash", 0, 7, "missing '/'"], // docker says the same
  ["${XXX?}", "required-variable", 0, 7, "XXX: is not allowed to be unset"],
  ["${NULL:?}", "required-variable", 0, 9, "NULL: is not allowed to be empty"],
  ["x ${XXX:?set XXX to $SHELL}", "required-variable", 2, 25, "XXX: set XXX to bash"],
  ["${V#\\x}", "invalid-pattern", 0, 7, "invalid escape '\\x'"],
  ["${V/\\a/b}", "invalid-pattern", 0, 9, "invalid escape '\\a'"],
  ["a $(echo hi", "unterminated-shell-out", 2, 2, "')'"],
  ['$(echo "a)b"', "unterminated-shell-out", 0, 2, "')'"],
];

for (const [word, kind, offset, length, message] of table) {
  test(`rejects ${word} with ${kind} at offset ${offset}`, () => {
    assert.throws(
      () => expandWordSync(word, { lookup }),
      (err: unknown) => {
        assert.ok(err instanceof ExpansionError, `not an ExpansionError: ${String(err)}`);
        assert.equal(err.kind, kind);
        assert.equal(err.offset, offset);
        assert.equal(err.length, length);
        assert.ok(err.message.includes(message), err.message);
        return true;
      },
    );
  });
}

test("a shell-out without a build environment is an error at the $", async () => {
  for (const run of [
    () => expandWordSync("v=$(date)", { lookup }),
    () => expandWord("v=$(date)", { lookup }),
  ]) {
    await assert.rejects(async () => run(), { name: "ExpansionError", kind: "shell-out-unavailable", offset: 2 });
  }
});
