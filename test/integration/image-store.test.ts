/**
 * Images in Docker's image store: a build on the local base image exported through the `moby`
 * exporter, with the configuration we set (returned as result metadata through the gateway, the
 * only way Docker's exporter takes it), under every name we gave.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { imageResultMetadata, missingExporter, mobyExporter, ociArchiveExporter } from "../../src/buildkit/exporters.js";
import { GatewayBuild } from "../../src/buildkit/gateway.js";
import { runOnImage } from "../buildkit/support/tiny-llb.js";
import { image, marshal } from "../../src/planner/llb/index.js";
import { docker, inspectImage } from "../support/docker.js";
import { useDaemon } from "../support/daemon.js";
import { buildWithSession } from "../support/session-build.js";

const base = "ebuild-fixture/busybox:latest";
const tag = randomBytes(4).toString("hex");
const names = [`ebuild-test/image-store:${tag}`, `ebuild-test/image-store:${tag}-also`];

const daemon = useDaemon({ session: true, images: names });

test("an image built on the local base image lands in Docker's image store with the config we set", async (t) => {
  if (daemon.client.address.kind !== "docker-engine") return t.skip("the moby exporter is Docker Engine's");
  const { definition } = runOnImage(base, `mkdir -p /app && echo built-${tag} > /app/marker`);
  const config = {
    architecture: "amd64",
    os: "linux",
    config: {
      Env: ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "GREETING=hello world"],
      Cmd: ["cat", "marker"],
      WorkingDir: "/app",
      Labels: { "org.example.team": "builds", "org.example.tag": tag },
    },
  };
  const build = GatewayBuild.open(daemon.client, { sessionId: daemon.session.sessionId, exporters: [mobyExporter({ names })] });
  const ref = await build.solve(definition, { evaluate: true });
  const result = await build.finish({ ref, metadata: imageResultMetadata(config) });
  assert.match(result.exporterResponse["containerimage.digest"] ?? "", /^sha256:[0-9a-f]{64}$/);

  const image = await inspectImage(names[0]!);
  assert.deepEqual(image.RepoTags.sort(), [...names].sort());
  assert.deepEqual(image.Config["Env"], config.config.Env);
  assert.deepEqual(image.Config["Cmd"], config.config.Cmd);
  assert.equal(image.Config["WorkingDir"], "/app");
  assert.deepEqual(image.Config["Labels"], config.config.Labels);
  // The layer the RUN made is in the image, and CMD runs in WORKDIR.
  assert.equal(await docker(["run", "--rm", names[1]!]), `built-${tag}\n`);
});

test("Docker's classic image store refuses an OCI archive export, naming the exporter", async (t) => {
  if (daemon.client.address.kind !== "docker-engine") return t.skip("about Docker Engine's exporters");
  const info = JSON.parse(await docker(["info", "--format", "{{json .DriverStatus}}"])) as string[][] | null;
  if ((info ?? []).some(([key]) => key === "driver-type" )) return t.skip("the containerd image store has OCI exports");
  const { definition } = marshal(image(base));
  await assert.rejects(
    buildWithSession(daemon.client, [], { definition, exporters: [ociArchiveExporter({ names: ["x:1"] })] }),
    (error: Error) => missingExporter(error.message) === "oci",
  );
});
