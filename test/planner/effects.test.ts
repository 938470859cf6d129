import { test } from "node:test";
import assert from "node:assert/strict";
import { EbuildError } from "../../src/errors.js";
import { EffectGraph } from "../../src/planner/effects.js";
import type { EdgeKind } from "../../src/planner/invocation.js";

/**
 * A graph in one line per edge, `a BUILD b@3` (the edge is written at line 3 of a's Buildfile).
 * Every node saves an image named after itself unless `images` says otherwise; the entry is `a`.
 */
interface Case {
  name: string;
  edges: string[];
  images?: Record<string, string>;
  fires: string[];
}

const cases: Case[] = [
  { name: "the invoked target saves", edges: [], fires: ["a"] },
  { name: "BUILD → BUILD: every target of the chain saves", edges: ["a BUILD b@2", "b BUILD c@5"], fires: ["a", "b", "c"] },
  { name: "BUILD → FROM: the FROM target does not save", edges: ["a BUILD b@2", "b FROM c@1"], fires: ["a", "b"] },
  { name: "FROM → BUILD: neither the FROM target nor what it builds saves", edges: ["a FROM b@1", "b BUILD c@4"], fires: ["a"] },
  { name: "COPY of an artifact: the copied-from target does not save", edges: ["a COPY b@3"], fires: ["a"] },
  { name: "WITH DOCKER --load: the loaded target does not save", edges: ["a LOAD b@6"], fires: ["a"] },
  { name: "reached by both FROM and BUILD: the target saves", edges: ["a FROM b@1", "a BUILD b@7"], fires: ["a", "b"] },
  { name: "reached by FROM first and by BUILD deeper: the target saves", edges: ["a FROM b@1", "a BUILD c@2", "c BUILD b@3"], fires: ["a", "b", "c"] },
  {
    // DO inlines the function: its BUILD and FROM are the caller's edges; the DO edge itself is only shown.
    name: "a BUILD+FROM pair in a FUNCTION: the BUILD target saves, the FROM target does not",
    edges: ["a DO FN@2", "a BUILD b@9", "a FROM c@8"],
    fires: ["a", "b"],
  },
  {
    name: "matrix BUILDs: each invocation saves its own image",
    edges: ["a BUILD b[V=1]@2", "a BUILD b[V=2]@2"],
    images: { "b[V=1]": "img:1", "b[V=2]": "img:2" },
    fires: ["a", "b[V=1]", "b[V=2]"],
  },
  { name: "a cycle of BUILDs that made it into the graph saves once per target", edges: ["a BUILD b@2", "b BUILD a@2"], fires: ["a", "b"] },
];

function graphOf(c: Case): EffectGraph<string> {
  const graph = new EffectGraph<string>();
  const nodes = new Set(["a"]);
  for (const line of c.edges) {
    const [from, kind, rest] = line.split(" ") as [string, EdgeKind, string];
    const [to, at] = rest.split("@") as [string, string];
    nodes.add(from);
    if (kind !== "DO") nodes.add(to);
    graph.addEdge({ from, to, kind, at: { file: `${from}.Buildfile`, line: Number(at), column: 1 } });
  }
  for (const node of nodes) {
    graph.addInvocation(node, `+${node}`);
    const name = c.images?.[node] ?? `img-${node}`;
    graph.addStatement({ kind: "image", invocation: node, what: name, at: { file: `${node}.Buildfile`, line: 20, column: 1 }, image: { names: [name], platform: "linux/amd64" }, output: node });
  }
  return graph;
}

for (const c of cases) {
  test(`effects: ${c.name}`, () => {
    const { verdicts } = graphOf(c).resolve("a");
    const firing = verdicts.filter((v) => v.fires).map((v) => v.output);
    assert.deepEqual(firing.sort(), [...c.fires].sort());
    for (const v of verdicts) assert.equal(v.reason === "", v.fires, `${v.output}: ${v.reason}`);
  });
}

test("a statement that does not fire says how its target was reached and how to fire it", () => {
  const { verdicts } = graphOf({ name: "", edges: ["a FROM docker@3", "docker BUILD img@4"], fires: [] }).resolve("a");
  const reasons = Object.fromEntries(verdicts.map((v) => [v.output, v.reason]));
  assert.equal(reasons["docker"], "reached only through FROM from +a at a.Buildfile:3 — add BUILD +docker to fire it");
  assert.equal(reasons["img"], "reached through BUILD from +docker at docker.Buildfile:4, whose effects do not fire — add BUILD +img to fire it");
});

test("the built targets are the entry and its BUILD chain, entry first, in planning order", () => {
  const graph = graphOf({ name: "", edges: ["a BUILD c@2", "a FROM x@1", "a BUILD b@3", "c BUILD d@1"], fires: [] });
  assert.deepEqual(graph.resolve("a").built, ["a", "c", "b", "d"]);
});

test("saving one image name twice for the same platform is an error at the second statement", () => {
  const graph = graphOf({ name: "", edges: ["a BUILD b@2"], images: { a: "app:1", b: "app:1" }, fires: [] });
  assert.throws(
    () => graph.resolve("a"),
    (err: unknown) => {
      assert.ok(err instanceof EbuildError);
      assert.match(err.message, /image app:1 is saved twice for linux\/amd64 \(first at a.Buildfile:20\)/);
      assert.equal(err.at?.file, "b.Buildfile");
      return true;
    },
  );
});

test("the same image name may be saved by a statement that does not fire, or for another platform", () => {
  const graph = graphOf({ name: "", edges: ["a FROM b@1"], images: { a: "app:1", b: "app:1" }, fires: [] });
  assert.doesNotThrow(() => graph.resolve("a"));
  const multi = new EffectGraph<string>();
  for (const platform of ["linux/amd64", "linux/arm64"]) {
    multi.addStatement({ kind: "image", invocation: "a", what: "app", at: undefined, image: { names: ["app"], platform }, output: platform });
  }
  assert.equal(multi.resolve("a").verdicts.filter((v) => v.fires).length, 2);
});

test("matrix BUILDs of a target that saves one fixed name collide", () => {
  const graph = graphOf({ name: "", edges: ["a BUILD b[V=1]@2", "a BUILD b[V=2]@2"], images: { "b[V=1]": "img", "b[V=2]": "img" }, fires: [] });
  assert.throws(() => graph.resolve("a"), /image img is saved twice/);
});
