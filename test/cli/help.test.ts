import assert from "node:assert/strict";
import { test } from "node:test";
import { ebuild } from "./support/ebuild-process.js";

const commands = [[], ["doctor"], ["du"], ["prune"], ["ls"], ["doc"], ["debug", "ast"], ["plan"], ["lint"], ["fmt"]];

for (const command of commands) {
  test(`ebuild ${[...command, "--help"].join(" ")} ends with examples`, () => {
    const result = ebuild([...command, "--help"]);
    assert.equal(result.status, 0, result.stderr);
    const examples = result.stdout.split("\nExamples:\n")[1];
    assert.ok(examples, result.stdout);
    assert.ok(examples.split("\n").filter((line) => line.startsWith(`  ebuild ${command.join(" ")}`.trimEnd())).length >= 1, examples);
  });
}

test("the root help documents the exit codes and the environment defaults", () => {
  const result = ebuild(["--help"]);
  assert.match(result.stdout, /Exit codes: 0 ok, 1 build failed, 2 bad command line or Buildfile, 3 cancelled,\n6 no BuildKit daemon answered, 9 privileged work needs -P\./);
  assert.match(result.stdout, /EBUILD_STRICT/);
  assert.match(result.stdout, /A flag beats its variable\./);
});
