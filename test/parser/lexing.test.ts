/** How lines split into words: quotes, shell-outs, comments, continuations, line endings. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseBuildfile } from "../../src/parser/index.js";
import { statementOf } from "./support.js";

function wordsOf(line: string): string[] {
  const s = statementOf(line);
  return "args" in s ? s.args.map((w) => w.text) : [];
}

const cases: [string, string[]][] = [
  ["RUN a#b c", ["a#b", "c"]],
  ["RUN a #b c", ["a"]],
  ['RUN "a # b" c', ['"a # b"', "c"]],
  ["RUN 'x \" y' z", ["'x \" y'", "z"]],
  ['RUN echo --opt="two words"', ['echo', '--opt="two words"']],
  ['RUN $(echo "a b" | tr -d "()") end', ['$(echo "a b" | tr -d "()")', "end"]],
  ["RUN $(a $(b c) d)", ["$(a $(b c) d)"]],
  ["RUN a\\ b", ["a\\ b"]],
  ["RUN echo END IF FROM", ["echo", "END", "IF", "FROM"]],
  ["RUN a \\\n    b", ["a", "b"]],
  ["RUN a\\\n    b", ["a", "b"]],
  ["RUN a \\  \n    # c1\n    # c2\n    b", ["a", "b"]],
];

for (const [line, words] of cases) {
  test(`${JSON.stringify(line)} has the words ${JSON.stringify(words)}`, () => {
    assert.deepEqual(wordsOf(line), words);
  });
}

test("CRLF line endings and tab indentation parse like LF and blanks", () => {
  const text = "VERSION 0.8\r\nFROM busybox\r\n\r\n# docs\r\nt:\r\n\tRUN echo a \\\r\n\t  b\r\n\tSAVE ARTIFACT x\r\n";
  const { buildfile, problems } = parseBuildfile(text, "Buildfile");
  assert.deepEqual(problems, []);
  const t = buildfile!.targets[0]!;
  assert.equal(t.docs, "docs");
  assert.deepEqual(t.recipe.map((s) => s.kind), ["RUN", "SAVE_ARTIFACT"]);
  assert.equal(t.recipe[0]!.kind === "RUN" ? t.recipe[0]!.text : "", "echo a \t  b");
});

test("a file without a final newline, and a continuation at the end of the file", () => {
  for (const text of ["VERSION 0.8\nt:\n    RUN a", "VERSION 0.8\nt:\n    RUN a \\\n"]) {
    const { buildfile, problems } = parseBuildfile(text, "Buildfile");
    assert.deepEqual(problems, [], JSON.stringify(text));
    assert.equal(buildfile!.targets[0]!.recipe[0]!.kind, "RUN");
  }
});

test("docs need the comment block directly above: a blank line detaches it", () => {
  const text = "VERSION 0.8\n# detached\n\nt:\n    RUN x\n# u builds\n# twice\nu:\n    RUN y\n";
  const { buildfile } = parseBuildfile(text, "Buildfile");
  assert.deepEqual(buildfile!.targets.map((t) => t.docs), [undefined, "u builds\ntwice"]);
});

test("every node's range covers its text", () => {
  const text = "VERSION 0.8\nt:\n    IF true\n        RUN x\n    END\n";
  const block = parseBuildfile(text, "Buildfile").buildfile!.targets[0]!.recipe[0]!;
  assert.equal(text.slice(block.range.start.offset, block.range.end.offset), "IF true\n        RUN x\n    END");
  assert.deepEqual([block.range.start.line, block.range.start.column, block.range.end.line, block.range.end.column], [3, 5, 5, 8]);
});
