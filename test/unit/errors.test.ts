import { test } from "node:test";
import assert from "node:assert/strict";
import { EbuildError, ExitCode } from "../../src/errors.js";

test("each error kind maps to the documented exit code", () => {
  const cases: Array<[ConstructorParameters<typeof EbuildError>[0], number]> = [
    ["usage", 2],
    ["syntax", 2],
    ["semantic", 2],
    ["build", 1],
    ["cancelled", 3],
    ["unreachable", 6],
    ["privileged", 9],
    ["internal", 1],
  ];
  for (const [kind, code] of cases) {
    assert.equal(new EbuildError(kind, "x").exitCode, code, kind);
  }
  assert.equal(ExitCode.ok, 0);
});
