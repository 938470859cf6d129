/** Syntax errors a person can act on: positioned, with what was expected and a suggestion. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { formatProblem, parseBuildfile } from "../../src/parser/index.js";
import { problemsOf } from "./support.js";

const cases: [string, string, string | undefined][] = [
  // [recipe line, message, hint]
  ["RUNN echo hi", "unknown command RUNN", "did you mean RUN?"],
  ["COPPY a b", "unknown command COPPY", "did you mean COPY?"],
  ["run echo", "unknown command run", "did you mean RUN?"],
  ["ADD a b", "ADD is not supported", "use COPY for files, or RUN with a download tool for URLs"],
  ["SHELL /bin/bash", "SHELL is not supported", undefined],
  ["ONBUILD RUN x", "ONBUILD is not supported", undefined],
  ["STOPSIGNAL SIGTERM", "STOPSIGNAL is not supported", undefined],
  ["RUN --privilegd ls", "RUN has no flag --privilegd", "did you mean --privileged?"],
  ["RUN", "RUN needs a command", "write RUN echo hello"],
  ["COPY onlyone", "COPY needs a source and a destination", "write COPY src dest"],
  ["COPY --from=build /a /b", "COPY --from is not supported", "copy an artifact instead: COPY +target/path dest"],
  ["SAVE ARTIFAKT x", "SAVE needs ARTIFACT or IMAGE", "did you mean ARTIFACT?"],
  ["SAVE ARTIFACT x AS y", "expected AS LOCAL", "write SAVE ARTIFACT src AS LOCAL path"],
  ["ARG --required X=1", "an ARG --required cannot have a default", undefined],
  ["ARG 1X=1", '"1X" is not a valid name', "names are letters, digits and _, not starting with a digit"],
  ["ARG X 1", "expected ARG X=value", "join name and value with =: ARG X=1"],
  ["ENV A=1 B", "expected KEY=value, found B", "in the pairs form every word is KEY=value; quote values with spaces"],
  ["ENV LONELY", "ENV LONELY needs a value", "write ENV LONELY=value"],
  ["BUILD +t A=1", "expected --NAME=value after the reference, found A=1", "pass build args as --NAME=value"],
  ["FROM busybox AS base", "FROM ... AS is not supported", "each target is its own stage: reference it as +target"],
  ["RUN --mount=target=/x ls", "a --mount needs type=cache, tmpfs, secret or bind-experimental", undefined],
  ["RUN --secret =x ls", "--secret =x has an empty variable name", "write --secret ENV=id (ENV: letters, digits and _), e.g. --secret TOKEN=token"],
  ["RUN --secret 1A=x ls", '--secret 1A=x has "1A", which is not a variable name', "write --secret ENV=id (ENV: letters, digits and _), e.g. --secret TOKEN=token"],
  ["RUN --network=host ls", "unknown network host", "only --network=none is supported"],
  ["CACHE --sharing=everyone /c", "unknown sharing mode everyone", undefined],
  ["HOST onlyname", "HOST needs an IP address", "write HOST onlyname 10.0.0.1"],
  ['RUN echo "open', 'unterminated string: add the closing "', undefined],
  ["RUN echo $(date", "unterminated $( ... ): add the closing )", undefined],
  ["END", "END without a block to close", "remove it, or open the block (IF, FOR, WAIT, TRY, WITH DOCKER) above"],
  ["ELSE", "ELSE without a block to continue", "ELSE belongs inside an IF block"],
  ["WAIT now\nEND", "WAIT takes no arguments", undefined],
  ["FOR x a b\nEND", "expected IN after the loop variable", undefined],
  ["IF\nEND", "IF needs a condition", "write IF [ -f file ]"],
  ["WITH PODMAN\nEND", "WITH needs DOCKER", undefined],
  ["IF true\nELSE\nELSE IF false\nEND", "nothing may follow ELSE in an IF block but END", undefined],
  ["VERSION 0.8", "VERSION must be the first command of the file", undefined],
  ["FUNCTION", "FUNCTION must be the first line of a function (NAME:)", undefined],
  ["  nested:", "nested: looks like a target line, but it is indented", "target and function lines start at the beginning of the line"],
];

for (const [line, message, hint] of cases) {
  test(`reports ${JSON.stringify(line)} as "${message}"`, () => {
    const text = `VERSION 0.8\nFROM busybox\nt:\n${line.split("\n").map((l) => `    ${l}`).join("\n")}\n`;
    const result = parseBuildfile(text, "Buildfile");
    const found = result.problems.find((p) => p.message === message);
    assert.ok(found, `no problem "${message}" among ${JSON.stringify(result.problems.map((p) => p.message))}`);
    if (hint !== undefined) assert.equal(found.hint, hint);
    assert.equal(found.range.file, "Buildfile");
    assert.ok(found.range.start.line >= 4, "the problem points into the recipe");
  });
}

test("a valid recipe line has no problems", () => {
  assert.deepEqual(problemsOf("RUN echo ok"), []);
});

test("an unclosed block is reported where the next target starts, and the next target still parses", () => {
  const text = "VERSION 0.8\nFROM busybox\na:\n    IF true\n        RUN x\nb:\n    RUNN y\n";
  const { problems, buildfile } = parseBuildfile(text, "Buildfile");
  assert.deepEqual(
    problems.map((p) => [p.message, p.range.start.line]),
    [
      ["missing END: the IF block is still open at the target line b:", 6],
      ["unknown command RUNN", 7],
    ],
  );
  assert.deepEqual(buildfile?.targets.map((t) => t.name), ["a", "b"]);
});

test("several broken lines in one file are all reported", () => {
  const text = "VERSION 0.8\nFROM busybox\nt:\n    RUNN a\n    END\n    COPYY b c\n    SAVE ARTIFACT\n";
  const lines = parseBuildfile(text, "Buildfile").problems.map((p) => p.range.start.line);
  assert.deepEqual(lines, [4, 5, 6, 7]);
});

test("target and function names are checked", () => {
  const text = "VERSION 0.8\nbase:\n    RUN x\nBad_Fn:\n    RUN y\nFN:\n    FUNCTION\nFN:\n    FUNCTION\n";
  assert.deepEqual(
    parseBuildfile(text, "Buildfile").problems.map((p) => p.message),
    [
      "base is a reserved target name: it is the recipe before the first target",
      '"Bad_Fn" is not a valid function name',
      "function Bad_Fn must start with FUNCTION",
      "FN is already defined on line 6",
    ],
  );
});

test("indentation: recipes are indented, the base recipe is not", () => {
  const text = "VERSION 0.8\n  FROM busybox\nt:\nRUN x\n";
  assert.deepEqual(
    parseBuildfile(text, "Buildfile").problems.map((p) => [p.message, p.range.start.line]),
    [
      ["commands before the first target are not indented", 2],
      ["the recipe of t must be indented", 4],
    ],
  );
});

test("formatProblem shows file:line:col, the line, a caret under the range and the hint", () => {
  const text = "VERSION 0.8\nt:\n    RUNN echo hi\n";
  const [p] = parseBuildfile(text, "Buildfile").problems;
  assert.equal(
    formatProblem(p!, text),
    ["Buildfile:3:5: unknown command RUNN", "  3 |     RUNN echo hi", "    |     ^^^^", "  hint: did you mean RUN?"].join("\n"),
  );
});

test("blocks nested deeper than any real file are a positioned problem, not a stack overflow", () => {
  const text = "VERSION 0.8\nt:\n" + "    IF true\n".repeat(5000) + "    RUN x\n" + "    END\n".repeat(5000);
  const { problems } = parseBuildfile(text, "Buildfile");
  assert.deepEqual(problems.map((p) => [p.message, p.range.start.line]), [["blocks are nested more than 200 deep", 203]]);
});

test("COMMAND is accepted under VERSION 0.7 and reported under 0.8", () => {
  const fn = (version: string) => parseBuildfile(`VERSION ${version}\nFN:\n    COMMAND\n    RUN x\n`, "Buildfile");
  assert.deepEqual(fn("0.7").problems, []);
  assert.equal(fn("0.7").buildfile?.functions[0]?.keyword, "COMMAND");
  assert.deepEqual(fn("0.8").problems.map((p) => p.message), ["COMMAND is the VERSION 0.7 spelling"]);
});

test("a continuation keyword in the wrong block says where it belongs", () => {
  const cases: [string, string][] = [
    ["WITH DOCKER\n    ELSE\nEND", "ELSE does not belong in a WITH DOCKER block"],
    ["FOR x IN a\n    CATCH\nEND", "CATCH does not belong in a FOR block"],
    ["TRY\n    RUN x\nFINALLY\nFINALLY\nEND", "FINALLY is out of place in this TRY block"],
  ];
  for (const [recipe, message] of cases) {
    const text = `VERSION 0.8\nt:\n${recipe.split("\n").map((l) => `    ${l}`).join("\n")}\n`;
    assert.equal(parseBuildfile(text, "Buildfile").problems[0]?.message, message, recipe);
  }
});

test("words after a target's colon are reported, and the recipe below still belongs to it", () => {
  const { problems, buildfile } = parseBuildfile("VERSION 0.8\nbuild: extra words\n    RUN x\n", "Buildfile");
  assert.deepEqual(problems.map((p) => [p.message, p.range.start.column, p.range.end.column]), [["nothing may follow the colon of build:", 8, 19]]);
  assert.deepEqual(buildfile?.targets.map((t) => [t.name, t.recipe.length]), [["build", 1]]);
});

test("a continued line that starts with name: at column 1 is no target line", () => {
  const { problems, buildfile } = parseBuildfile("VERSION 0.8\nt:\n    RUN echo \\\nkey: value\n", "Buildfile");
  assert.deepEqual(problems, []);
  const run = buildfile!.targets[0]!.recipe[0]!;
  assert.equal(run.kind === "RUN" ? run.text : "", "echo key: value");
});

test("VERSION feature flags are checked, with the closest known flag", () => {
  const { problems } = parseBuildfile("VERSION --tyr --wait-block 0.8\n", "Buildfile");
  assert.deepEqual(problems.map((p) => [p.message, p.hint]), [["unknown feature flag --tyr", "did you mean --try?"]]);
});

test("ARG --global and PROJECT belong to the base recipe", () => {
  const text = "VERSION 0.8\nARG --global OK=1\nPROJECT a/b\nt:\n    ARG --global X=1\n    PROJECT c/d\n";
  assert.deepEqual(
    parseBuildfile(text, "Buildfile").problems.map((p) => [p.message, p.range.start.line]),
    [
      ["ARG --global is only allowed before the first target", 5],
      ["PROJECT is only allowed before the first target", 6],
    ],
  );
});
