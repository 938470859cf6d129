import { test } from "node:test";
import assert from "node:assert/strict";
import { expandWords, expandWordsSync } from "../../../src/planner/expand/index.js";
import { lookup } from "./cases.js";

// [text, expected words]: Dockerfile's ProcessWords splitting (EXPOSE, VOLUME, ...). Splitting
// happens after expansion; unquoted expansions split, quoted text does not.
const table: Array<[string, string[]]> = [
  ["80 443", ["80", "443"]],
  ["  80\t443/udp  ", ["80", "443/udp"]],
  ["hello${SPACE}bye", ["helloabc", "defbye"]],
  ['hello"${SPACE}"bye', ["helloabc  defbye"]],
  ['hello "${SPACE}"bye', ["hello", "abc  defbye"]],
  ["hello${LEADING}def", ["hello", "ab", "cdef"]],
  ['hello"${LEADING}" def', ["hello  ab c", "def"]],
  ["hello\\ there", ["hello there"]],
  ['hello\\" there', ['hello"', "there"]],
  ["hello'$there'", ["hello$there"]],
  ['a "" b', ["a", "b"]],
  ['""', []], // docker: EXPOSE "${E}" with E empty exposes nothing
  ["${PORTS}", ["80", "443"]], // docker: EXPOSE ${PORTS} with PORTS="80 443"
  ["", []],
  ["${XXX:-8080 9090}", ["8080", "9090"]],
  ['"${XXX:-8080 9090}"', ["8080 9090"]],
  ["/data '/with space'", ["/data", "/with space"]],
  ["$XXX", []],
];

for (const [text, expected] of table) {
  test(`splits ${JSON.stringify(text)}`, async () => {
    assert.deepEqual(expandWordsSync(text, { lookup }), expected);
    assert.deepEqual(await expandWords(text, { lookup }), expected);
  });
}

test("the output of an unquoted $(...) splits into words, a quoted one does not", async () => {
  const shellOut = async () => "8080 9090\n";
  assert.deepEqual(await expandWords("80 $(ports)", { lookup, shellOut }), ["80", "8080", "9090"]);
  assert.deepEqual(await expandWords('80 "$(ports)"', { lookup, shellOut }), ["80", "8080 9090"]);
});
