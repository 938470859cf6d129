/**
 * Resolving base image configurations through the daemon's gateway bridge, from Docker's image
 * store (the fixture image built by scripts/buildkit-up; nothing is pulled).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ImageResolver, resolveImageConfig } from "../../src/buildkit/gateway.js";
import { EbuildError } from "../../src/errors.js";
import { useDaemon } from "../support/daemon.js";

const daemon = useDaemon({ session: true });

test("the fixture image's ENV and CMD resolve from Docker's image store", async () => {
  const image = await resolveImageConfig(daemon.client, daemon.session.sessionId, { ref: "ebuild-fixture/busybox:latest", resolveMode: "local" });
  assert.equal(image.ref, "docker.io/ebuild-fixture/busybox:latest");
  assert.deepEqual(image.config.config?.Env, ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]);
  assert.deepEqual(image.config.config?.Cmd, ["/bin/sh"]);
  assert.equal(image.config.os, "linux");
  assert.ok(image.rawConfig.length > 0);
});

test("one resolver answers several images and closes its bridge build cleanly", async () => {
  const resolver = ImageResolver.open(daemon.client, daemon.session.sessionId);
  const platform = { os: "linux", architecture: "amd64" };
  const [a, b] = await Promise.all([
    resolver.resolve({ ref: "ebuild-fixture/busybox:latest", platform, resolveMode: "local" }),
    resolver.resolve({ ref: "ebuild-fixture/busybox", platform, resolveMode: "local" }),
  ]);
  assert.deepEqual(a.config, b.config);
  await resolver.close();
});

test("an image that is not in the store fails with a build error naming it", async () => {
  await assert.rejects(
    resolveImageConfig(daemon.client, daemon.session.sessionId, { ref: `ebuild-fixture/missing-${process.pid}:latest`, resolveMode: "local" }),
    (error: unknown) => error instanceof EbuildError && error.kind === "build" && error.message.includes(`ebuild-fixture/missing-${process.pid}`),
  );
});
