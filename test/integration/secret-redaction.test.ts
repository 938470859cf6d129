/**
 * Secrets for RUN --mount=type=secret on the real daemon: the command gets the value, and the value
 * appears nowhere else a user or a registry could see it: not in the exported image, not in the
 * progress, not in the definition we sent.
 */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { mobyExporter } from "../../src/buildkit/exporters.js";
import { secretsService } from "../../src/buildkit/session/index.js";
import { image as imageOf, marshal } from "../../src/planner/llb/index.js";
import { dockerSave, layerPaths } from "../support/docker.js";
import { buildWithSession, progressText } from "../support/session-build.js";
import { useDaemon } from "../support/daemon.js";

const base = "ebuild-fixture/busybox:latest";
const image = `ebuild-test/secret-redaction:${randomBytes(4).toString("hex")}`;

const daemon = useDaemon({ images: [image] });

test("a secret reaches the RUN but not the image, the progress or the definition", async (t) => {
  if (daemon.client.address.kind !== "docker-engine") return t.skip("checks the image with docker save");
  const secret = `ebuild-secret-${randomBytes(12).toString("hex")}`;
  const secretFile = join(await mkdtemp(join(tmpdir(), "ebuild-secret-")), "token");
  await writeFile(secretFile, secret, { mode: 0o600 });
  const expectedHash = createHash("sha256").update(secret).digest("hex");

  // The RUN proves it read the value by keeping its hash, and says so in the log; the run id keeps
  // it out of the daemon's cache (secret values are not part of cache keys).
  const script = `sha256sum /run/secrets/token | cut -d' ' -f1 > /token.sha256 && echo run ${randomBytes(4).toString("hex")} hashed the token: $(cat /token.sha256)`;
  const step = imageOf(base)
    .run({ args: ["/bin/sh", "-c", script], mounts: [{ type: "secret", target: "/run/secrets/token", id: "token", mode: 0o400 }] })
    .root();
  const sent = marshal(step).definition;
  const { result, events } = await buildWithSession(daemon.client, [secretsService(new Map([["token", { file: secretFile }]]))], {
    definition: sent,
    exporters: [mobyExporter({ names: [image] })],
  });

  const progress = progressText(events);
  assert.match(progress, new RegExp(`hashed the token: ${expectedHash}\\n`), "the RUN's log is in the progress");
  assert.ok(!progress.includes(secret), "the secret is not in the progress");
  assert.ok(!JSON.stringify(result.exporterResponse).includes(secret));
  assert.equal(Buffer.from(sent).indexOf(secret), -1, "the secret is not in the definition");

  const archive = await dockerSave(image);
  assert.ok(archive.indexOf(`${expectedHash}\n`) >= 0, "the RUN's layer is in the saved image");
  assert.equal(archive.indexOf(secret), -1, "the secret is not in the saved image");
  // The command line (with the mount's path) is in the image's history, as docker history shows;
  // the mount must leave no file behind in the layers (BuildKit may keep the empty run/secrets/
  // folder it made for the mount point, as with Dockerfiles).
  const paths = await layerPaths(image);
  assert.ok(paths.includes("token.sha256"), "the layers are listed");
  assert.deepEqual(paths.filter((path) => path.startsWith("run/secrets/") && path !== "run/secrets/"), []);
});
