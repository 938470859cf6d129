/** fromDefinition: a Definition marshalled elsewhere becomes a state the builder extends. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { copy, fromDefinition, image, local, marshal } from "../../../src/planner/llb/index.js";
import { opsOf } from "../support/plan.js";

const built = image("ebuild-fixture/busybox:latest")
  .file(copy(local("context", { sessionId: "s-1", includePatterns: ["a"] }), "/a", "/a"), { description: "COPY a" })
  .run({ args: "make" })
  .root();

test("an imported definition marshals to the same ops and digests as the states it came from", () => {
  const original = marshal(built);
  const imported = marshal(fromDefinition(original.definition));
  assert.deepEqual(imported.digests, original.digests);
  assert.deepEqual(imported.definition, original.definition);
});

test("states built on an imported definition chain on its last op", () => {
  const extended = marshal(fromDefinition(marshal(built).definition).run({ args: "make install" }).root());
  const execs = opsOf(extended.definition).map((o) => o.op["exec"] as { meta: { args: string[] } } | undefined).filter((e) => e !== undefined);
  assert.deepEqual(execs.map((e) => e.meta.args[2]), ["make", "make install"]);
});

test("a source rewrite renames a source and rewires every op that reads it", () => {
  const original = marshal(built);
  const renamed = marshal(fromDefinition(original.definition, { rewriteSource: (s) => (s.identifier === "local://context" ? { identifier: "local://other", attrs: {} } : s) }));
  const sources = opsOf(renamed.definition).map((o) => (o.op["source"] as { identifier: string } | undefined)?.identifier).filter((s) => s !== undefined);
  assert.deepEqual(sources.sort(), ["docker-image://docker.io/ebuild-fixture/busybox:latest", "local://other"]);
  assert.notEqual(renamed.rootDigest, original.rootDigest, "the change reaches the digests of the ops after it");
  assert.equal(renamed.digests.length, original.digests.length);
});

test("an empty definition is scratch", () => {
  assert.equal(fromDefinition(marshal(image("x").withOutput(undefined)).definition).output, undefined);
});
