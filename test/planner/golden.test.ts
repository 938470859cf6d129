/**
 * Golden plans: the LLB of each fixture Buildfile under fixtures/planner, pinned op by op with
 * digests. `UPDATE_GOLDEN=1` rewrites the expected files; review the diff.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { readFile, access } from "node:fs/promises";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { plan, parseForPlanning, type SourceReader } from "../../src/planner/index.js";
import { dumpDefinition } from "../../src/planner/llb/index.js";

const fixtures = fileURLToPath(new URL("../../fixtures/planner", import.meta.url));
const reader: SourceReader = {
  readFile: (path) => readFile(path, "utf8"),
  exists: (path) => access(path).then(() => true, () => false),
};

const cases: Array<[string, string, Array<[string, string]>]> = [
  ["chains", "all", []],
  ["function", "release", []],
  ["matrix", "all", []],
  ["with-docker", "test", []],
];

async function goldenOf(dir: string, entry: string, overrides: Array<[string, string]>) {
  const { plan: p } = await plan({ entry: { directory: dir, name: entry }, overrides, platform: "linux/amd64", reader, parse: parseForPlanning });
  return {
    outputs: p.outputs.map((o) => ({ kind: o.kind, target: o.target, ops: dumpDefinition(o.definition).ops.map(({ digest, op }) => ({ digest, op })) })),
    skipped: p.skipped.map((s) => `${s.target}: ${s.what} — ${s.reason}`),
    contexts: p.contexts.map((c) => c.name),
  };
}

for (const [fixture, entry, overrides] of cases) {
  test(`golden plan of fixtures/planner/${fixture} +${entry}`, async () => {
    const dir = `${fixtures}/${fixture}`;
    // The default registry's host name stays out of the repository; digests still pin the bytes.
    const actual = JSON.parse(JSON.stringify(await goldenOf(dir, entry, overrides)).replaceAll(`${"docker"}.io/`, "<default-registry>/"));
    const file = `${dir}/plan.golden.json`;
    if (process.env["UPDATE_GOLDEN"] === "1" || !existsSync(file)) writeFileSync(file, `${JSON.stringify(actual, null, 2)}\n`);
    assert.deepEqual(actual, JSON.parse(readFileSync(file, "utf8")));
  });
}

test("a target's digest does not change when an unrelated line of its Buildfile does", async () => {
  const dir = `${fixtures}/chains`;
  const text = readFileSync(`${dir}/Buildfile`, "utf8");
  const edited = text.replace("RUN mkdir /docs && echo docs > /docs/index.txt", "RUN mkdir /docs && echo other > /docs/index.txt");
  assert.notEqual(edited, text);
  const editedReader: SourceReader = { ...reader, readFile: async (path) => (path === `${dir}/Buildfile` ? edited : readFile(path, "utf8")) };
  const digestOf = async (r: SourceReader, name: string) => {
    const { plan: p } = await plan({ entry: { directory: dir, name }, platform: "linux/amd64", reader: r, parse: parseForPlanning });
    return dumpDefinition(p.outputs[0]!.definition).ops.at(-1)!.digest;
  };
  assert.equal(await digestOf(editedReader, "deps"), await digestOf(reader, "deps"), "+deps does not use +docs");
  assert.notEqual(await digestOf(editedReader, "app"), await digestOf(reader, "app"), "+app copies from +docs");
});
