/**
 * The commands that set the image config, as Docker shows the saved image afterwards; ARGs reach
 * RUN as its environment but never the config; HOST reaches RUN's /etc/hosts.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, test } from "node:test";
import { ebuild, project } from "../../support/cli.js";
import { docker } from "../../support/docker.js";

const image = `ebuild-audit/config:p${process.pid}`;
after(() => docker(["image", "rm", "-f", image]).catch(() => {}));

test("WORKDIR, USER, ENV, ENTRYPOINT, CMD, LABEL, EXPOSE, VOLUME and HEALTHCHECK land in the image config; ARGs and HOST do not", async () => {
  const dir = await project({
    Buildfile: `VERSION 0.8
FROM ebuild-fixture/busybox:latest
WORKDIR /w

img:
    ARG BUILD_ONLY=argvalue
    LET LOCAL_ONLY=letvalue
    ENV GREETING="hello there"
    ENV FROM_ARG=$BUILD_ONLY
    RUN echo "$BUILD_ONLY $LOCAL_ONLY $GREETING" > /w/seen.txt
    HOST example.internal 10.1.2.3
    RUN grep example.internal /etc/hosts > /w/hosts.txt
    WORKDIR /app
    USER 1000:1000
    ENTRYPOINT ["/bin/sh", "-c"]
    CMD ["echo \\"$GREETING from $(pwd) as $(id -u)\\""]
    LABEL org.example.a=1 org.example.b="two words"
    EXPOSE 8080 53/udp
    VOLUME /data /logs
    HEALTHCHECK --interval=5s --timeout=3s --start-period=1s --retries=4 CMD test -f /w/seen.txt
    SAVE ARTIFACT /w/seen.txt AS LOCAL out/
    SAVE ARTIFACT /w/hosts.txt AS LOCAL out/
    SAVE IMAGE ${image}
`,
  });
  const run = await ebuild(["--progress", "plain", "+img"], { cwd: dir });
  assert.equal(run.code, 0, run.stderr + run.stdout);
  assert.equal(await readFile(join(dir, "out/seen.txt"), "utf8"), "argvalue letvalue hello there\n", "RUN sees ARG, LET and ENV");
  assert.equal(await readFile(join(dir, "out/hosts.txt"), "utf8"), "10.1.2.3\texample.internal\n");

  const config = JSON.parse(await docker(["image", "inspect", "--format", "{{json .Config}}", image])) as Record<string, unknown>;
  assert.deepEqual(config.Env, ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "GREETING=hello there", "FROM_ARG=argvalue"], "ENV only: no ARG, no LET");
  assert.equal(config.WorkingDir, "/app");
  assert.equal(config.User, "1000:1000");
  assert.deepEqual(config.Entrypoint, ["/bin/sh", "-c"]);
  assert.deepEqual(config.Labels, { "org.example.a": "1", "org.example.b": "two words" });
  assert.deepEqual(config.ExposedPorts, { "53/udp": {}, "8080/tcp": {} });
  assert.deepEqual(config.Volumes, { "/data": {}, "/logs": {} });
  assert.deepEqual(config.Healthcheck, { Test: ["CMD-SHELL", "test -f /w/seen.txt"], Interval: 5e9, Timeout: 3e9, StartPeriod: 1e9, Retries: 4 });
  assert.equal((await docker(["run", "--rm", "--network", "none", image])).trim(), "hello there from /app as 1000", "ENTRYPOINT runs CMD in WORKDIR as USER");
  const hosts = await docker(["run", "--rm", "--network", "none", "--entrypoint", "cat", image, "/etc/hosts"]);
  assert.doesNotMatch(hosts, /example\.internal/, "HOST serves the build's RUNs, not the image");
});
