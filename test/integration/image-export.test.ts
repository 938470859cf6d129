/**
 * Building an image from the local base image and storing it in Docker's image store under a
 * name, with the configuration we set: the gateway bridge returns the RUN's result with
 * "containerimage.config" metadata, which Docker's `moby` exporter writes into the image.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import { GatewayBuild, imageConfigMetadataKey } from "../../src/buildkit/gateway.js";
import { BuildFailedError } from "../../src/buildkit/build-failure.js";
import { runOnImage } from "../buildkit/support/tiny-llb.js";
import { useDaemon } from "../support/daemon.js";

const name = `ebuild-test/client-export:${process.pid}`;
const docker = (...args: string[]) => execFileSync("docker", args, { encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });
const daemon = useDaemon({ session: true, dockerOnly: true, images: [name] });

test("an image built on the fixture base is stored in Docker under its name with the config we set", async () => {
  const run = runOnImage("ebuild-fixture/busybox:latest", `echo built-${process.pid} > /greeting`);
  const config = {
    architecture: "amd64",
    os: "linux",
    config: {
      Env: ["PATH=/usr/bin:/bin", `BUILT_BY=ebuild-${process.pid}`],
      Cmd: ["cat", "/greeting"],
      WorkingDir: "/srv",
      User: "nobody",
      Labels: { "org.ebuild.test": "client" },
    },
  };
  const build = GatewayBuild.open(daemon.client, { sessionId: daemon.session.sessionId, exporters: [{ type: "moby", attrs: { name } }] });
  const ref = await build.solve(run.definition, { evaluate: true });
  const result = await build.finish({ ref, metadata: { [imageConfigMetadataKey]: JSON.stringify(config) } });
  assert.equal(result.exporterResponse["image.name"], `docker.io/${name}`);

  const inspected = JSON.parse(docker("image", "inspect", name, "--format", "{{json .Config}}")) as Record<string, unknown>;
  assert.deepEqual(inspected.Env, config.config.Env);
  assert.deepEqual(inspected.Cmd, config.config.Cmd);
  assert.equal(inspected.WorkingDir, "/srv");
  assert.equal(inspected.User, "nobody");
  assert.deepEqual(inspected.Labels, { "org.ebuild.test": "client" });
  assert.equal(docker("run", "--rm", "--user", "root", name).trim(), `built-${process.pid}`);
});

test("a failing RUN inside a gateway build fails its solve with the step's error, and the build can be failed", async () => {
  const run = runOnImage("ebuild-fixture/busybox:latest", "exit 5", { ignoreCache: true });
  const build = GatewayBuild.open(daemon.client, { sessionId: daemon.session.sessionId });
  const failure = await build.solve(run.definition, { evaluate: true }).catch((error: unknown) => error);
  assert.ok(failure instanceof BuildFailedError, String(failure));
  assert.match(failure.message, /exit code: 5/);
  await build.fail(failure);
});
