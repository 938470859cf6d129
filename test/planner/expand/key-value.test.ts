import { test } from "node:test";
import assert from "node:assert/strict";
import { ExpansionError, expandWordSync, parseKeyValuePairs, type ExpansionErrorKind } from "../../../src/planner/expand/index.js";
import { lookup } from "./cases.js";

// [arguments of ENV/LABEL, form, [key, raw value, expanded value][]]. Docker 26.1.5 gives the same
// values for `ENV R18=x\ y R19="two words" R20='$V' R21="$V"` (checked on the local daemon).
const table: Array<[string, "pairs" | "single", Array<[string, string, string]>]> = [
  ["A=1", "pairs", [["A", "1", "1"]]],
  ['A=1 B="two words" C=x\\ y', "pairs", [["A", "1", "1"], ["B", '"two words"', "two words"], ["C", "x\\ y", "x y"]]],
  ["KEY value with spaces", "single", [["KEY", "value with spaces", "value with spaces"]]],
  ['KEY "quoted  value"', "single", [["KEY", '"quoted  value"', "quoted  value"]]],
  ['S "quoted  value" tail', "single", [["S", '"quoted  value" tail', "quoted  value tail"]]], // docker
  ['a="x y" b=${SPACE}', "pairs", [["a", '"x y"', "x y"], ["b", "${SPACE}", "abc  def"]]], // docker (LABEL)
  ["KEY   $SHELL and more  ", "single", [["KEY", "$SHELL and more", "bash and more"]]],
  ["R20='$V' R21=\"$V\"", "pairs", [["R20", "'$V'", "$V"], ["R21", '"$V"', "a*b*c"]]],
  ["URL=a=b=c", "pairs", [["URL", "a=b=c", "a=b=c"]]],
  ["EMPTY= NEXT=1", "pairs", [["EMPTY", "", ""], ["NEXT", "1", "1"]]],
  ['EMPTY="" NEXT=1', "pairs", [["EMPTY", '""', ""], ["NEXT", "1", "1"]]],
  ['"org.label"="a b" other=\'c d\'', "pairs", [['"org.label"', '"a b"', "a b"], ["other", "'c d'", "c d"]]],
  ['A="it\'s" B=\'say "hi"\'', "pairs", [["A", '"it\'s"', "it's"], ["B", "'say \"hi\"'", 'say "hi"']]],
  ['A="x\\" y" B=2', "pairs", [["A", '"x\\" y"', 'x" y'], ["B", "2", "2"]]],
  ["A=${XXX:-a\\ b} B=2", "pairs", [["A", "${XXX:-a\\ b}", "a b"], ["B", "2", "2"]]],
  ["  PATH=$PWD/bin:$PATH", "pairs", [["PATH", "$PWD/bin:$PATH", "/home/bin:"]]],
  ["A=1\\", "pairs", [["A", "1", "1"]]],
];

for (const [text, form, expected] of table) {
  test(`splits ENV ${text}`, () => {
    const parsed = parseKeyValuePairs(text);
    assert.equal(parsed.form, form);
    assert.deepEqual(
      parsed.pairs.map((p) => [p.key, p.value, expandWordSync(p.value, { lookup })]),
      expected,
    );
    for (const pair of parsed.pairs) {
      assert.equal(text.slice(pair.keyOffset, pair.keyOffset + pair.key.length), pair.key, "key offset");
      assert.equal(text.slice(pair.valueOffset, pair.valueOffset + pair.value.length), pair.value, "value offset");
    }
  });
}

const errors: Array<[string, ExpansionErrorKind, number]> = [
  ["", "missing-value", 0],
  ["   ", "missing-value", 0],
  ["  KEY", "missing-value", 2],
  ["A=1 B", "missing-equals", 4],
  ["A=1 =2", "empty-key", 4],
];

for (const [text, kind, offset] of errors) {
  test(`rejects ENV ${JSON.stringify(text)} with ${kind}`, () => {
    assert.throws(() => parseKeyValuePairs(text), (err: unknown) => {
      assert.ok(err instanceof ExpansionError);
      assert.equal(err.kind, kind);
      assert.equal(err.offset, offset);
      return true;
    });
  });
}
