/**
 * Platforms in plans: base images pinned by digest, file ops without a platform (as BuildKit's
 * client marshals them), and SAVE IMAGE of one name across a target's platform variants.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Engine } from "../../src/planner/engine.js";
import { MemorySourceReader, parseForPlanning, plan } from "../../src/planner/index.js";
import { dumpDefinition } from "../../src/planner/llb/index.js";

const digest = `sha256:${"ab".repeat(32)}`;

/** Answers every image with the same config and, for registry images, a digest. */
const engine = (digestOf: (ref: string) => string | undefined): Engine => ({
  async resolveImageConfig(ref) {
    const d = digestOf(ref);
    return { ...(d === undefined ? {} : { digest: d }), config: { Env: ["PATH=/bin"] } };
  },
  async shellOut() {
    throw new Error("no shell-outs here");
  },
  async evaluateCondition() {
    return false;
  },
});

async function planText(text: string, entry: string, options: { engine?: Engine; platform?: string } = {}) {
  return plan({
    entry: { directory: "/repo", name: entry },
    platform: options.platform ?? "linux/amd64",
    reader: new MemorySourceReader({ "/repo/Buildfile": text }),
    parse: parseForPlanning,
    engine: options.engine,
  });
}

function imageSources(definition: Uint8Array): string[] {
  return dumpDefinition(definition)
    .ops.map((o) => (o.op["source"] as { identifier?: string } | undefined)?.identifier)
    .filter((id): id is string => id?.startsWith("docker-image://") === true);
}

test("FROM pins the digest the engine resolved, keeping the tag in the name", async () => {
  const { plan: p } = await planText("VERSION 0.8\na:\n  FROM 127.0.0.1:5000/base:1\n  RUN true\n", "a", { engine: engine(() => digest) });
  assert.deepEqual(imageSources(p.outputs[0]!.definition), [`docker-image://127.0.0.1:5000/base:1@${digest}`]);
});

test("FROM keeps the name of an image the engine gives no digest for (one only in the daemon's store)", async () => {
  const { plan: p } = await planText("VERSION 0.8\na:\n  FROM 127.0.0.1:5000/local/base:1\n  RUN true\n", "a", { engine: engine(() => undefined) });
  assert.deepEqual(imageSources(p.outputs[0]!.definition), ["docker-image://127.0.0.1:5000/local/base:1"]);
});

test("FROM name@digest keeps its own digest", async () => {
  const own = `sha256:${"cd".repeat(32)}`;
  const { plan: p } = await planText(`VERSION 0.8\na:\n  FROM 127.0.0.1:5000/base@${own}\n  RUN true\n`, "a", { engine: engine(() => digest) });
  assert.deepEqual(imageSources(p.outputs[0]!.definition), [`docker-image://127.0.0.1:5000/base@${own}`]);
});
