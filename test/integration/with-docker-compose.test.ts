/**
 * WITH DOCKER --compose on the real daemon, through the real `ebuild` process: compose starts the
 * chosen services (and only those) in the RUN's own dockerd from images ebuild loaded into it (a
 * --load target, or an image a service names, pulled without --pull); the command reaches them on
 * a published port and by service name; compose stops them when the command ends, and the RUN
 * exits with the command's code. Bad --compose input fails before anything runs, at its flag.
 * Every test needs a daemon that grants security.insecure and skips with the reason otherwise.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, describe, test, type TestContext } from "node:test";
import { docker, removeImages } from "../support/docker.js";
import { ebuild, project } from "../support/cli.js";
import { privilegedSkipReason } from "../support/privileged.js";

const nonce = `${process.pid}-${randomBytes(6).toString("hex")}`;
const dbImage = `ebuild-test/compose-db:${nonce}`;
after(() => removeImages([dbImage]));

// Each test copies a compose file of its own name: BuildKit merges identical `local` sources of
// builds running at once, so two projects' `COPY compose.yml .` could be served from one of them.
const header = "VERSION 0.8\nFROM ebuild-fixture/dind:latest\nWORKDIR /w\n";
// A web server whose page names this run; its image is saved only as a --load target.
const db = `db:
    FROM ebuild-fixture/busybox:latest
    RUN mkdir -p /www && echo "hello from db ${nonce}" > /www/index.html
    SAVE IMAGE ${dbImage}
`;
// A service that stops at once on SIGTERM (as PID 1, a process without a handler ignores it).
const idle = `["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1; done"]`;
// Polls the published port until the server answers: compose up -d returns once the containers run.
const fetchPage = "i=0; until wget -qO- http://127.0.0.1:8080/ > out 2>/dev/null; do i=$((i+1)); [ $i -lt 30 ] || exit 7; sleep 1; done";
const running = "docker compose ps --services --status running | sort";

async function needsPrivileged(t: TestContext): Promise<boolean> {
  const reason = await privilegedSkipReason();
  if (reason !== undefined) t.skip(reason);
  return reason === undefined;
}

describe("WITH DOCKER --compose on a daemon that grants security.insecure", { concurrency: 2 }, () => {
  test("--service db starts only db, from the --load image: the RUN reaches it on its port and by name, and compose stops it at the end", async (t) => {
    if (!(await needsPrivileged(t))) return;
    const compose = `services:
  db:
    image: ${dbImage}
    command: ["sh", "-c", "trap 'echo stopped >> /state/db; exit 0' TERM; echo started > /state/db; httpd -p 80 -h /www; while :; do sleep 1; done"]
    ports: ["8080:80"]
    volumes: ["./state:/state"]
  other:
    image: ebuild-fixture/busybox:latest
    command: ${idle}
`;
    const run = [
      fetchPage,
      `docker run --rm --network default_default ${dbImage} wget -qO- http://db/ >> out`,
      `${running} >> out`,
      "docker images --format '{{.Repository}}' | sort >> out",
    ].join(" && ");
    const dir = await project({
      "ports.yml": compose,
      Buildfile: `${header}${db}test:\n    COPY ports.yml .\n    WITH DOCKER --compose ports.yml --service db --load +db\n        RUN ${run}\n    END\n    SAVE ARTIFACT out AS LOCAL out\n    SAVE ARTIFACT state/db AS LOCAL db-state\n`,
    });
    const result = await ebuild(["--progress", "plain", "-P", "+test"], { cwd: dir });
    assert.equal(result.code, 0, result.stderr + result.stdout);
    assert.deepEqual((await readFile(join(dir, "out"), "utf8")).split("\n"), [
      `hello from db ${nonce}`, // the published port, from the RUN
      `hello from db ${nonce}`, // the service name, from a container on the compose network
      "db", // `other` was not started…
      dbImage.split(":")[0], // …nor its image loaded
      "",
    ]);
    // The service saw SIGTERM from compose down before the RUN ended, and wrote it into the layer.
    assert.equal(await readFile(join(dir, "db-state"), "utf8"), "started\nstopped\n");
    // --load uses the target's result only: its SAVE IMAGE never reached the outer Docker.
    await assert.rejects(docker(["image", "inspect", dbImage]));
  });

  test("without --service every service starts, with several --service only those; an image a service names is pulled without --pull", async (t) => {
    if (!(await needsPrivileged(t))) return;
    const compose = `services:
  web:
    image: ${dbImage}
    command: ["httpd", "-f", "-p", "80", "-h", "/www"]
    stop_signal: SIGKILL
    ports: ["8080:80"]
  cache:
    image: ebuild-fixture/busybox:latest
    command: ${idle}
  extra:
    image: ebuild-fixture/busybox:latest
    command: ${idle}
    depends_on: [cache]
`;
    const run = `${fetchPage} && ${running} >> out && docker images --format '{{.Repository}}' | sort >> out`;
    const target = (name: string, services: string) =>
      `${name}:\n    COPY many.yml .\n    WITH DOCKER --compose many.yml ${services} --load +db\n        RUN ${run}\n    END\n    SAVE ARTIFACT out AS LOCAL out-${name}\n`;
    const dir = await project({
      "many.yml": compose,
      Buildfile: `${header}${db}${target("all", "")}${target("some", "--service web --service cache")}both:\n    BUILD +all\n    BUILD +some\n`,
    });
    const result = await ebuild(["--progress", "plain", "-P", "+both"], { cwd: dir });
    assert.equal(result.code, 0, result.stderr + result.stdout);
    const page = `hello from db ${nonce}`;
    const repository = dbImage.split(":")[0];
    assert.deepEqual((await readFile(join(dir, "out-all"), "utf8")).split("\n"), [page, "cache", "extra", "web", "ebuild-fixture/busybox", repository, ""]);
    assert.deepEqual((await readFile(join(dir, "out-some"), "utf8")).split("\n"), [page, "cache", "web", "ebuild-fixture/busybox", repository, ""]);
  });

  test("the RUN exits with the command's code while compose services run: exit 1 at the RUN's line, nothing written", async (t) => {
    if (!(await needsPrivileged(t))) return;
    const compose = `services:\n  cache:\n    image: ebuild-fixture/busybox:latest\n    command: ${idle}\n`;
    const dir = await project({
      "exit.yml": compose,
      Buildfile: `${header}test:\n    COPY exit.yml .\n    WITH DOCKER --compose exit.yml\n        RUN ${running} > out && exit 3\n    END\n    SAVE ARTIFACT out AS LOCAL out\n`,
    });
    const result = await ebuild(["--progress", "plain", "-P", "+test"], { cwd: dir });
    assert.equal(result.code, 1, result.stderr + result.stdout);
    assert.match(result.stderr, /Buildfile:7:\d+/);
    assert.match(result.stderr, /exit code: 3/);
    assert.equal(existsSync(join(dir, "out")), false);
  });

  test("bad --compose input fails before the block runs, with exit 2 at its flag: an unknown --service, a project compose refuses, an image without compose", async (t) => {
    if (!(await needsPrivileged(t))) return;
    const block = (files: string, services = "") => `    WITH DOCKER --compose ${files}${services}\n        RUN touch ran\n    END\n    SAVE ARTIFACT ran AS LOCAL ran\n`;
    const dir = await project({
      "compose.yml": `services:\n  db:\n    image: ebuild-fixture/busybox:latest\n  web:\n    image: ebuild-fixture/busybox:latest\n`,
      "broken.yml": `services:\n  web:\n    image: ebuild-fixture/busybox:latest\n    depends_on: [db]\n`,
      Buildfile: [
        header,
        `unknown:\n    COPY compose.yml .\n${block("compose.yml", " --service db --service nosuch")}`,
        `broken:\n    COPY broken.yml .\n${block("broken.yml")}`,
        `missing:\n${block("compose.yml")}`,
        `nocompose:\n    RUN rm /usr/libexec/docker/cli-plugins/docker-compose /usr/bin/docker-compose\n    COPY compose.yml .\n${block("compose.yml")}`,
      ].join(""),
    });
    const cases: Array<[string, RegExp]> = [
      ["+unknown", /Buildfile:6:62: WITH DOCKER --service nosuch: compose\.yml has no service nosuch[\s\S]*its services are: db, web/],
      ["+broken", /Buildfile:12:27: WITH DOCKER --compose broken\.yml: compose cannot read the project: .*depends on undefined service "?db/],
      ["+missing", /Buildfile:17:27: WITH DOCKER --compose compose\.yml: compose cannot read the project: .*no such file or directory/],
      ["+nocompose", /Buildfile:24:27: WITH DOCKER --compose compose\.yml needs Docker Compose in the image of \+nocompose/],
    ];
    for (const [target, message] of cases) {
      const result = await ebuild(["--progress", "plain", "-P", target], { cwd: dir });
      assert.equal(result.code, 2, `${target}: ${result.stderr}${result.stdout}`);
      assert.match(result.stderr, message, target);
      assert.equal(existsSync(join(dir, "ran")), false);
    }
  });
});
