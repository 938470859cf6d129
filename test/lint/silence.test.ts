import { test } from "node:test";
import assert from "node:assert/strict";
import { lintLines, where } from "./support.js";

const bad = ["    RUN cd /src && make"];
const head = ["VERSION 0.8", "a:", "    FROM busybox"];

const cases: Array<{ name: string; lines: string[]; expect: string[] }> = [
  { name: "no comment: the finding shows", lines: [...head, ...bad], expect: ["4:9 run-cd"] },
  { name: "the rule silenced on the next line", lines: [...head, "    # ebuild-lint-disable-next-line run-cd", ...bad], expect: [] },
  { name: "a comment without ids silences every rule", lines: [...head, "    # ebuild-lint-disable-next-line", ...bad], expect: [] },
  { name: "a list of ids, comma or space separated", lines: [...head, "    # ebuild-lint-disable-next-line unused-arg, run-cd", ...bad], expect: [] },
  { name: "a reason after -- is not read as ids", lines: [...head, "    # ebuild-lint-disable-next-line run-cd -- the script expects it", ...bad], expect: [] },
  { name: "another rule's id silences nothing here", lines: [...head, "    # ebuild-lint-disable-next-line unused-arg", ...bad], expect: ["5:9 run-cd"] },
  { name: "only the next command, not the one after", lines: [...head, "    # ebuild-lint-disable-next-line run-cd", "    RUN cd /a", ...bad], expect: ["6:9 run-cd"] },
  { name: "blank lines and comments in between are skipped", lines: [...head, "    # ebuild-lint-disable-next-line run-cd", "", "    # builds it", ...bad], expect: [] },
  {
    name: "a command's continuation lines are covered",
    lines: [...head, "    ARG A", "    # ebuild-lint-disable-next-line undeclared-variable", "    SAVE ARTIFACT \\", "        /x/$NOPE AS LOCAL out/$A"],
    expect: [],
  },
  { name: "the whole file", lines: ["# ebuild-lint-disable-file missing-version run-cd", "a:", "    FROM busybox", ...bad, ...bad], expect: [] },
  { name: "a misspelt id is reported", lines: [...head, "    # ebuild-lint-disable-next-line run_cd", ...bad], expect: ["4:1 unknown-lint-rule", "5:9 run-cd"] },
  { name: "a target's name line", lines: [...head, "    DO +F", "F:", "    FUNCTION", "# ebuild-lint-disable-next-line uncalled-function", "G:", "    FUNCTION"], expect: [] },
];

for (const c of cases) {
  test(`silencing: ${c.name}`, () => {
    assert.deepEqual(where(lintLines(c.lines)), c.expect);
  });
}

test("silencing: each silenced case has findings once its comments are removed", () => {
  for (const c of cases.filter((c) => c.expect.length === 0)) {
    const uncommented = c.lines.filter((l) => !l.includes("ebuild-lint-disable"));
    assert.notDeepEqual(where(lintLines(uncommented)), [], c.name);
  }
});
