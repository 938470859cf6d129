/** GitHub Actions: log groups per phase and error annotations at the failing Buildfile line. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { EbuildError } from "../../../src/errors.js";
import { escapeData, escapeProperty } from "../../../src/cli/progress/github.js";
import { createRenderer } from "../../../src/cli/progress/index.js";
import { buildFailed, Collected, vertex } from "./support.js";

const env = { GITHUB_ACTIONS: "true", NO_COLOR: "1" };

test("each phase is a log group, closed before the summary", () => {
  const out = new Collected();
  const renderer = createRenderer({ mode: "auto", out, env, prefixWidth: 6, now: () => 0 });
  renderer.phase("plan");
  renderer.phase("build");
  const solve = renderer.solve({ target: "+b" });
  solve.onProgress(vertex("sha256:b", "RUN b").started());
  renderer.summary({ durationMs: 1000 });
  renderer.close();
  assert.deepEqual(out.lines, ["::group::plan", "::endgroup::", "::group::build", "    +b | --> RUN b", "::endgroup::", "", "Built in 1.0s; 0 of 0 steps cached"]);
});

test("a failing step with a position becomes an error annotation on its Buildfile line", () => {
  const out = new Collected();
  const renderer = createRenderer({ mode: "plain", out, env, prefixWidth: 6, now: () => 0 });
  const run = vertex("sha256:t", "RUN go test");
  const solve = renderer.solve({ target: "+test", lookup: () => ({ target: "+test", command: "RUN go test", at: { file: "svc/Buildfile", line: 12, column: 5 } }) });
  for (const e of [run.started(), run.log("FAIL: 50% done\n"), run.errored("exit code: 1")]) solve.onProgress(e);
  renderer.failure(buildFailed("process did not complete successfully: exit code: 1", "sha256:t"));
  assert.equal(out.lines.at(-1), "::error file=svc/Buildfile,line=12,col=5,title=+test failed::RUN go test: exit code 1");
});

test("a Buildfile error with a position is annotated with its message", () => {
  const out = new Collected();
  const renderer = createRenderer({ mode: "plain", out, env, now: () => 0 });
  renderer.failure(new EbuildError("semantic", "target +nope not found\nin ./Buildfile", { at: { file: "Buildfile", line: 3, column: 1 } }));
  assert.deepEqual(out.lines, ["::error file=Buildfile,line=3,col=1::target +nope not found%0Ain ./Buildfile"]);
});

test("without GITHUB_ACTIONS there are no workflow commands", () => {
  const out = new Collected();
  const renderer = createRenderer({ mode: "plain", out, env: { NO_COLOR: "1" }, now: () => 0 });
  renderer.phase("build");
  renderer.failure(new EbuildError("semantic", "bad", { at: { file: "Buildfile", line: 3, column: 1 } }));
  renderer.close();
  assert.equal(out.text, "");
});

const escapes: Array<[string, string, string]> = [
  ["100% done\r\nnext", "100%25 done%0D%0Anext", "100%25 done%0D%0Anext"],
  ["a:b,c", "a:b,c", "a%3Ab%2Cc"],
];
for (const [text, data, property] of escapes) {
  test(`workflow command escaping of ${JSON.stringify(text)}`, () => {
    assert.equal(escapeData(text), data);
    assert.equal(escapeProperty(text), property);
  });
}
