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

async function planText(text: string, entry: string, options: { engine?: Engine; platform?: string; platforms?: string[] } = {}) {
  return plan({
    entry: { directory: "/repo", name: entry },
    platform: options.platform ?? "linux/amd64",
    ...(options.platforms ? { platforms: options.platforms } : {}),
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

/** Each op of a definition: its kind and the platform it names, if any. */
function opPlatforms(definition: Uint8Array): string[] {
  return dumpDefinition(definition).ops.map(({ op }) => {
    const kind = Object.keys(op).find((k) => k === "source" || k === "file" || k === "exec") ?? "terminal";
    const platform = op["platform"] as { OS?: string; Architecture?: string; os?: string; architecture?: string } | undefined;
    return `${kind} ${platform === undefined ? "-" : `${platform.OS ?? platform.os}/${platform.Architecture ?? platform.architecture}`}`;
  });
}

// BuildKit's client/llb (fileop.go) clears the platform of every file op it marshals, and the
// Dockerfile frontend's COPY and WORKDIR go through it: file ops of two platforms share digests.
test("file ops name no platform, as BuildKit's client marshals them; image sources and execs do", async () => {
  const text = "VERSION 0.8\nall:\n    BUILD --platform=linux/amd64 --platform=linux/arm64 +img\nimg:\n    FROM 127.0.0.1:5000/base:1\n    COPY a.txt /\n    RUN true\n    SAVE IMAGE app:1\n";
  const { plan: p } = await planText(text, "all", { engine: engine(() => undefined) });
  const images = p.outputs.filter((o) => o.kind === "image");
  assert.equal(images.length, 2);
  assert.deepEqual(opPlatforms(images[0]!.definition), ["source linux/amd64", "source -", "file -", "exec linux/amd64", "terminal -"]);
  assert.deepEqual(opPlatforms(images[1]!.definition), ["source linux/arm64", "source -", "file -", "exec linux/arm64", "terminal -"]);
});

test("FROM scratch + COPY for two platforms is the same file op: the daemon builds it once", async () => {
  const text = "VERSION 0.8\nall:\n    BUILD --platform=linux/amd64 --platform=linux/arm64 +img\nimg:\n    FROM scratch\n    COPY a.txt /\n    SAVE IMAGE app:1\n";
  const { plan: p } = await planText(text, "all");
  const fileDigests = p.outputs
    .filter((o) => o.kind === "image")
    .map((o) => dumpDefinition(o.definition).ops.find(({ op }) => op["file"] !== undefined)!.digest);
  assert.equal(fileDigests.length, 2);
  assert.equal(fileDigests[0], fileDigests[1]);
});

test("one SAVE IMAGE name from a target's platform variants gives one image output per platform", async () => {
  const text = "VERSION 0.8\nimg:\n    FROM scratch\n    COPY a.txt /\n    SAVE IMAGE app:1\n";
  const { plan: p } = await planText(text, "img", { platforms: ["linux/amd64", "linux/arm/v7"] });
  const images = p.outputs.flatMap((o) => (o.kind === "image" ? [`${o.names.join(" ")} ${[o.platform.os, o.platform.architecture, o.platform.variant].filter(Boolean).join("/")}`] : []));
  assert.deepEqual(images, ["app:1 linux/amd64", "app:1 linux/arm/v7"]);
});

test("the same name saved by two targets for the same platform is still an error", async () => {
  const text = "VERSION 0.8\nall:\n    BUILD --platform=linux/arm64 +a\n    BUILD --platform=linux/arm64 +b\na:\n    FROM scratch\n    SAVE IMAGE app:1\nb:\n    FROM scratch\n    SAVE IMAGE app:1\n";
  await assert.rejects(planText(text, "all"), /image app:1 is saved twice for linux\/arm64/);
});

test("SAVE IMAGE --no-manifest-list refuses a name saved for several platforms, at its line", async () => {
  const text = "VERSION 0.8\nall:\n    BUILD --platform=linux/amd64 --platform=linux/arm64 +img\nimg:\n    FROM scratch\n    SAVE IMAGE --no-manifest-list app:1\n";
  await assert.rejects(planText(text, "all"), (error: unknown) => {
    assert.match(String(error), /image app:1 is saved for linux\/amd64 and linux\/arm64, but SAVE IMAGE --no-manifest-list/);
    assert.equal((error as { at?: { line: number } }).at?.line, 6);
    return true;
  });
});

test("FROM --platform builds the target for that platform: later ARG TARGET* name it, and SAVE IMAGE saves it as such", async () => {
  const text = [
    "VERSION 0.8",
    "img:",
    "    ARG TARGETARCH",
    "    FROM --platform=linux/arm64 scratch",
    "    ARG TARGETPLATFORM",
    "    ARG TARGETVARIANT",
    "    SAVE ARTIFACT /x AS LOCAL out/$TARGETARCH-$TARGETPLATFORM-$TARGETVARIANT",
    "    SAVE IMAGE app:1",
    "",
  ].join("\n");
  const { plan: p } = await planText(text, "img");
  const artifact = p.outputs.find((o) => o.kind === "artifact");
  assert.equal(artifact?.kind === "artifact" && artifact.destination, "out/amd64-linux/arm64-", "declared before the FROM: the invocation's platform");
  const image = p.outputs.find((o) => o.kind === "image");
  assert.deepEqual(image?.kind === "image" && image.platform, { os: "linux", architecture: "arm64" });
});
