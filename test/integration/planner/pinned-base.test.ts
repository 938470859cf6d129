/**
 * FROM an image in a registry: the planner pins the manifest digest the daemon resolved, so every
 * solve of the plan uses that image, and the build runs on the pinned reference.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { rm } from "node:fs/promises";
import { test } from "node:test";
import { promisify } from "node:util";
import { BuildkitClient } from "../../../src/buildkit/client.js";
import { BuildkitEngine } from "../../../src/cli/build/buildkit-engine.js";
import { nodeSourceReader } from "../../../src/cli/commands/plan.js";
import { parseForPlanning, plan } from "../../../src/planner/index.js";
import { dumpDefinition } from "../../../src/planner/llb/index.js";
import { openHealthSession } from "../../buildkit/support/health-session.js";
import { ebuild, project } from "../../support/cli.js";
import { startRegistry } from "../../support/registry.js";

const run = promisify(execFile);

test("FROM a registry image is pinned to its manifest digest in the LLB, and builds", async () => {
  const registry = await startRegistry();
  const base = `${registry.address}/ebuild-platforms/base:1`;
  await run("docker", ["tag", "ebuild-fixture/busybox:latest", base]);
  try {
    await run("docker", ["push", base]);
  } finally {
    await run("docker", ["rmi", base]);
  }
  const head = await fetch(`http://${registry.address}/v2/ebuild-platforms/base/manifests/1`, {
    method: "HEAD",
    headers: { accept: "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json" },
  });
  const pushed = head.headers.get("docker-content-digest");
  assert.match(pushed ?? "", /^sha256:[0-9a-f]{64}$/);
  const dir = await project({ Buildfile: `VERSION 0.8\napp:\n    FROM ${base}\n    RUN --network=none test -x /bin/busybox\n` });
  const client = await BuildkitClient.connect();
  const session = openHealthSession(client);
  const engine = new BuildkitEngine(client, session.sessionId);
  try {
    const { plan: p } = await plan({ entry: { directory: dir, name: "app" }, platform: "linux/amd64", reader: nodeSourceReader, parse: parseForPlanning, engine });
    const sources = dumpDefinition(p.outputs[0]!.definition).ops.map((o) => (o.op["source"] as { identifier?: string } | undefined)?.identifier).filter((id) => id !== undefined);
    assert.deepEqual(sources, [`docker-image://${base}@${pushed}`]);
    const built = await ebuild(["--progress", "plain", "+app"], { cwd: dir });
    assert.equal(built.code, 0, built.stderr + built.stdout);
  } finally {
    await engine.close();
    session.close();
    client.close();
    await registry.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
