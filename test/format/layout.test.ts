/**
 * The canonical layout, rule by rule: each case is a small Buildfile and the text `ebuild fmt`
 * must turn it into (see docs/fmt.md).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { formatBuildfile } from "../../src/format/index.js";

const cases: Array<{ rule: string; input: string; output: string }> = [
  { rule: "recipes are indented by four spaces", input: "a:\n  RUN x\n\tRUN y\n", output: "a:\n    RUN x\n    RUN y\n" },
  { rule: "block bodies are indented four more", input: "a:\n RUN x\n IF true\n  RUN y\n END\n", output: "a:\n    RUN x\n    IF true\n        RUN y\n    END\n" },
  { rule: "one space between the keyword, flags and arguments", input: "a:\n    COPY   --dir\tsrc    ./\n", output: "a:\n    COPY --dir src ./\n" },
  { rule: "valued flags are spelt --flag=value", input: "a:\n    BUILD --platform linux/amd64 +b\n", output: "a:\n    BUILD --platform=linux/amd64 +b\n" },
  { rule: "switches are never given a value", input: "a:\n    SAVE IMAGE --push img\n", output: "a:\n    SAVE IMAGE --push img\n" },
  { rule: "short flags keep their spelling", input: "a:\n    FROM DOCKERFILE -f Dockerfile .\n", output: "a:\n    FROM DOCKERFILE -f Dockerfile .\n" },
  { rule: "exec-form arrays are written as JSON with a space after each comma", input: 'a:\n    CMD [ "a","b" ,"c d"]\n', output: 'a:\n    CMD ["a", "b", "c d"]\n' },
  { rule: "shell text keeps its spacing", input: 'a:\n    RUN echo   "x  y"  &&  true\n', output: 'a:\n    RUN echo   "x  y"  &&  true\n' },
  { rule: "an ARG default keeps its spacing", input: "ARG  X=a   b\n", output: "ARG X=a   b\n" },
  { rule: "continuation lines sit four past the statement, ` \\` at the end", input: "a:\n  RUN a  \\\n      b\\\n      c\n", output: "a:\n    RUN a \\\n        b \\\n        c\n" },
  { rule: "deeper continuation lines keep their extra depth", input: "a:\n RUN a \\\n   b \\\n       c\n", output: "a:\n    RUN a \\\n        b \\\n            c\n" },
  { rule: "comment lines inside a continuation stay there", input: "a:\n  RUN a \\\n # why\n  b\n", output: "a:\n    RUN a \\\n        # why\n        b\n" },
  { rule: "glued continuation lines stay as written (the shell joins the words)", input: "a:\n    RUN echo a\\\nb\n", output: "a:\n    RUN echo a\\\nb\n" },
  { rule: "a dangling backslash is dropped", input: "a:\n    RUN a \\\n\n    RUN b\n", output: "a:\n    RUN a\n\n    RUN b\n" },
  { rule: "one blank line between targets", input: "a:\n    RUN x\nb:\n    RUN y\n\n\n\nc:\n    RUN z\n", output: "a:\n    RUN x\n\nb:\n    RUN y\n\nc:\n    RUN z\n" },
  { rule: "one blank line after the base recipe", input: "VERSION 0.8\nFROM busybox\na:\n    RUN x\n", output: "VERSION 0.8\nFROM busybox\n\na:\n    RUN x\n" },
  { rule: "blank lines inside a recipe: at most one, none at its ends", input: "a:\n\n    RUN x\n\n\n    RUN y\n\n", output: "a:\n    RUN x\n\n    RUN y\n" },
  { rule: "no trailing whitespace and a final newline", input: "a:  \n    RUN x   \n    RUN y", output: "a:\n    RUN x\n    RUN y\n" },
  { rule: "doc comments stay attached to their target", input: "a:\n    RUN x\n# b does y\nb:\n    RUN y\n", output: "a:\n    RUN x\n\n# b does y\nb:\n    RUN y\n" },
  { rule: "an indented comment block above a target becomes its doc at column 0", input: "a:\n    RUN x\n    # doc of b\nb:\n    RUN y\n", output: "a:\n    RUN x\n\n# doc of b\nb:\n    RUN y\n" },
  { rule: "a recipe-indented comment before a blank line ends the recipe above", input: "a:\n    RUN x\n    # end of a\n\nb:\n    RUN y\n", output: "a:\n    RUN x\n    # end of a\n\nb:\n    RUN y\n" },
  { rule: "comments take the indentation of the statement below", input: "a:\n# c\n      RUN x\n", output: "a:\n    # c\n    RUN x\n" },
  { rule: "a comment deeper than END ends the body", input: "a:\n    IF true\n        RUN x\n           # in body\n  # at END\n    END\n", output: "a:\n    IF true\n        RUN x\n        # in body\n    # at END\n    END\n" },
  { rule: "trailing comments keep one space before #", input: "a:   # t\n    RUN x      # y\n", output: "a: # t\n    RUN x # y\n" },
  { rule: "comments inside an exec array move above the command", input: 'a:\n    CMD ["a", \\\n      # why\n      "b"]\n', output: 'a:\n    # why\n    CMD ["a", "b"]\n' },
  { rule: "an ARG's doc comment stays directly above it", input: "a:\n\n    # the mode\n    ARG MODE\n", output: "a:\n    # the mode\n    ARG MODE\n" },
  { rule: "CRLF line endings become LF", input: "a:\r\n  RUN x\r\n", output: "a:\n    RUN x\n" },
  { rule: "an empty file stays empty", input: "", output: "" },
  { rule: "a file of comments keeps them", input: "\n# one\n\n\n# two\n", output: "# one\n\n# two\n" },
];

for (const { rule, input, output } of cases) {
  test(rule, () => {
    const result = formatBuildfile(input, "Buildfile");
    assert.deepEqual(result.problems, []);
    assert.equal(result.text, output);
    assert.equal(formatBuildfile(output, "Buildfile").text, output, "the output is already formatted");
  });
}

test("a file with syntax problems is not formatted: its problems come back", () => {
  const result = formatBuildfile("a:\n    RUNN x\n", "Buildfile");
  assert.equal(result.text, undefined);
  assert.deepEqual(result.problems.map((p) => [p.message, p.range.start.line]), [["unknown command RUNN", 2]]);
});
