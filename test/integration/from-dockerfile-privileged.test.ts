/**
 * FROM DOCKERFILE and entitlements: a Dockerfile's `RUN --network=host` (and `RUN
 * --security=insecure`, where the daemon's Dockerfile frontend has it) runs only when the
 * FROM DOCKERFILE says --allow-privileged and ebuild gets -P; otherwise exit 9 at that line.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, readlink } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { ebuild, project } from "../support/cli.js";
import { privilegedSkipReason } from "../support/privileged.js";

const nonce = () => `${process.pid}-${randomBytes(6).toString("hex")}`;

test("a Dockerfile RUN --network=host needs FROM DOCKERFILE --allow-privileged and -P, then runs in the host's network namespace", async () => {
  const dir = await project({
    // The daemon runs in this machine's network namespace: host networking shows the same one.
    Dockerfile: `FROM ebuild-fixture/busybox:latest\nRUN --network=host readlink /proc/self/ns/net > /host.ns # ${nonce()}\nRUN readlink /proc/self/ns/net > /sandbox.ns\n`,
    Buildfile: "VERSION 0.8\nallowed:\n    FROM DOCKERFILE --allow-privileged .\n    SAVE ARTIFACT /*.ns AS LOCAL ns/\nunallowed:\n    FROM DOCKERFILE .\n    SAVE ARTIFACT /*.ns AS LOCAL ns/\n",
  });
  const unallowed = await ebuild(["--progress", "plain", "-P", "+unallowed"], { cwd: dir });
  assert.equal(unallowed.code, 9, unallowed.stderr + unallowed.stdout);
  assert.match(unallowed.stderr, /Buildfile:6:5: FROM DOCKERFILE: the Dockerfile needs network\.host/);
  assert.match(unallowed.stderr, /add --allow-privileged to FROM DOCKERFILE/);

  const withoutP = await ebuild(["--progress", "plain", "+allowed"], { cwd: dir });
  assert.equal(withoutP.code, 9, withoutP.stderr + withoutP.stdout);
  assert.match(withoutP.stderr, /Buildfile:3:5: this build needs network\.host/);
  assert.match(withoutP.stderr, /-P \/ --allow-privileged/);
  assert.equal(existsSync(join(dir, "ns")), false, "nothing is written without consent");

  const allowed = await ebuild(["--progress", "plain", "-P", "+allowed"], { cwd: dir });
  assert.equal(allowed.code, 0, allowed.stderr + allowed.stdout);
  const hostNamespace = await readlink("/proc/self/ns/net");
  assert.equal((await readFile(join(dir, "ns", "host.ns"), "utf8")).trim(), hostNamespace);
  assert.notEqual((await readFile(join(dir, "ns", "sandbox.ns"), "utf8")).trim(), hostNamespace, "a plain RUN keeps its own network");
});

test("a Dockerfile RUN --security=insecure runs privileged with --allow-privileged and -P (it can mount a tmpfs), or is named clearly where the frontend lacks it", async (t) => {
  const skip = await privilegedSkipReason();
  if (skip !== undefined) return t.skip(skip);
  const mount = "mkdir -p /m && mount -t tmpfs none /m && grep ' /m tmpfs' /proc/mounts > /mounted.txt";
  const dir = await project({
    Dockerfile: `FROM ebuild-fixture/busybox:latest\nRUN --security=insecure sh -c "${mount}" # ${nonce()}\n`,
    Buildfile: "VERSION 0.8\nt:\n    FROM DOCKERFILE --allow-privileged .\n    SAVE ARTIFACT /mounted.txt AS LOCAL mounted.txt\n",
  });
  const result = await ebuild(["--progress", "plain", "-P", "+t"], { cwd: dir });
  if (/unknown flag: security/.test(result.stderr)) {
    // Docker's built-in frontend is built without the labs flag (buildkit's dfrunsecurity tag).
    assert.equal(result.code, 1, result.stderr + result.stdout);
    assert.match(result.stderr, /Buildfile:3:5: FROM DOCKERFILE: the Dockerfile frontend failed: .*unknown flag: security/);
    assert.match(result.stderr, /labs feature that this daemon's built-in Dockerfile frontend does not have/);
    return t.skip("this daemon's Dockerfile frontend has no RUN --security (checked: the message says so)");
  }
  assert.equal(result.code, 0, result.stderr + result.stdout);
  assert.match(await readFile(join(dir, "mounted.txt"), "utf8"), / \/m tmpfs /);
  const withoutP = await ebuild(["--progress", "plain", "+t"], { cwd: dir });
  assert.equal(withoutP.code, 9, withoutP.stderr + withoutP.stdout);
  assert.match(withoutP.stderr, /Buildfile:3:5: this build needs security\.insecure/);
});
