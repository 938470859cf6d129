import { test } from "node:test";
import assert from "node:assert/strict";
import { ExpansionError, expandWord, mayShellOut } from "../../../src/planner/expand/index.js";
import { lookup } from "./cases.js";

/** A stand-in for the build container: answers from a table and records what it was asked. */
function fakeShell(outputs: Record<string, string>) {
  const commands: string[] = [];
  const shellOut = async (command: string) => {
    commands.push(command);
    const output = outputs[command];
    if (output === undefined) throw new Error(`exit code 127: ${command}: not found`);
    return output;
  };
  return { commands, shellOut };
}

// [word, command(s) handed to the shell, expected]
const table: Array<[string, string[], string]> = [
  ["$(echo hi)", ["echo hi"], "hi"],
  ["v$(echo hi)!", ["echo hi"], "vhi!"],
  ['$(echo "a)b")', ['echo "a)b"'], "a)b"],
  ["$(echo 'a)b')", ["echo 'a)b'"], "a)b"],
  ["$(echo a\\)b)", ["echo a\\)b"], "a)b"],
  ["$(echo $(echo in))", ["echo $(echo in)"], "in"],
  ['$(echo "$(echo "x")")', ['echo "$(echo "x")"'], "x"],
  ["$( (echo sub) )", [" (echo sub) "], "sub"],
  ['"$(echo hi)  there"', ["echo hi"], "hi  there"],
  ["${XXX:-$(echo def)}", ["echo def"], "def"],
  ["$(echo one)-$(echo two)", ["echo one", "echo two"], "1-2"],
  ["$(printf 'lines\\n\\n\\n')", ["printf 'lines\\n\\n\\n'"], "lines"],
  ["$(echo $PWD)", ["echo $PWD"], "/from-shell"],
  ["${FILE%$(echo .gz)}", ["echo .gz"], "archive.tar"],
];

const outputs: Record<string, string> = {
  "echo hi": "hi\n",
  'echo "a)b"': "a)b\n",
  "echo 'a)b'": "a)b\n",
  "echo a\\)b": "a)b\n",
  "echo $(echo in)": "in\n",
  'echo "$(echo "x")"': "x\n",
  " (echo sub) ": "sub\n",
  "echo def": "def\n",
  "echo one": "1\n",
  "echo two": "2\n",
  "printf 'lines\\n\\n\\n'": "lines\n\n\n",
  "echo $PWD": "/from-shell\n", // the command text is the shell's to expand, not ours
  "echo .gz": ".gz\n",
};

for (const [word, commands, expected] of table) {
  test(`shells out for ${word}`, async () => {
    const shell = fakeShell(outputs);
    assert.equal(await expandWord(word, { lookup, shellOut: shell.shellOut }), expected);
    assert.deepEqual(shell.commands, commands, "each command runs once, in order");
  });
}

test("a failing command is an error at its $( with the cause attached", async () => {
  const shell = fakeShell({});
  await assert.rejects(expandWord("x-$(false)", { lookup, shellOut: shell.shellOut }), (err: unknown) => {
    assert.ok(err instanceof ExpansionError);
    assert.equal(err.kind, "shell-out-failed");
    assert.equal(err.offset, 2);
    assert.equal(err.length, "$(false)".length);
    assert.match(String((err.cause as Error).message), /exit code 127/);
    return true;
  });
});

test("no command runs when the word fails before reaching it", async () => {
  const shell = fakeShell(outputs);
  await assert.rejects(expandWord("${XXX?}$(echo hi)", { lookup, shellOut: shell.shellOut }), { kind: "required-variable" });
  assert.deepEqual(shell.commands, []);
});

test("mayShellOut tells which words need the async expander", () => {
  assert.equal(mayShellOut("a $(b) c"), true);
  assert.equal(mayShellOut("${A:-b} c"), false);
});
