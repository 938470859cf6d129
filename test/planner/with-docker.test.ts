/**
 * WITH DOCKER in the planner (no daemon): the block becomes one privileged RUN wrapped by run.sh,
 * with the --load targets and --pull images mounted read-only and named in setup.sh; loaded targets
 * are LOAD edges whose SAVE effects do not fire; misuse fails at its line.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { EbuildError } from "../../src/errors.js";
import type { Engine } from "../../src/planner/engine.js";
import { MemorySourceReader, parseForPlanning, plan } from "../../src/planner/index.js";
import { dumpDefinition } from "../../src/planner/llb/index.js";
import { configChanges, setupScript, shellQuote } from "../../src/planner/commands/with-docker-script.js";

const engine: Engine = {
  async resolveImageConfig(ref) {
    return { config: { Env: [`PULLED=${ref}`], Cmd: ["sh"] } };
  },
  async shellOut() {
    throw new Error("no shell-outs here");
  },
  async evaluateCondition() {
    return false;
  },
};

const head = "VERSION 0.8\nFROM ebuild-fixture/busybox:latest\n";
const app = `app:
    RUN echo hi > /hello
    ENV GREETING="hello world"
    CMD ["cat", "/hello"]
    SAVE IMAGE app:latest other:1
`;

function planText(text: string, entry: string, options: { withEngine?: boolean } = {}) {
  return plan({
    entry: { directory: "/repo", name: entry },
    platform: "linux/amd64",
    reader: new MemorySourceReader({ "/repo/Buildfile": text }),
    parse: parseForPlanning,
    engine: options.withEngine ? engine : undefined,
  });
}

type Exec = { meta: { args: string[]; env: string[] }; mounts: Array<{ dest: string; readonly?: boolean; mountType?: string; cacheOpt?: { id: string; sharing?: string } }>; security?: string };

function opsOf(definition: Uint8Array) {
  return dumpDefinition(definition).ops.map((o) => o.op as Record<string, unknown>);
}

function wrappedExec(definition: Uint8Array): Exec {
  const exec = opsOf(definition)
    .map((op) => op["exec"] as Exec | undefined)
    .find((e) => e?.meta.args[1] === "/.ebuild/with-docker/run.sh");
  assert.ok(exec, "a RUN wrapped by run.sh");
  return exec;
}

/** The text of the file `name` a FileOp writes. */
function written(definition: Uint8Array, name: string): string {
  for (const op of opsOf(definition)) {
    const actions = (op["file"] as { actions?: Array<{ mkfile?: { path: string; data: string } }> } | undefined)?.actions ?? [];
    for (const action of actions) {
      if (action.mkfile?.path.endsWith(`/${name}`)) return Buffer.from(action.mkfile.data, "base64").toString("utf8");
    }
  }
  assert.fail(`no FileOp writes ${name}`);
}

async function rejects(promise: Promise<unknown>, message: RegExp, line: number) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof EbuildError, String(error));
    assert.match(error.message, message);
    assert.equal(error.at?.line, line, `${error.message} at line ${error.at?.line}`);
    return true;
  });
}

test("WITH DOCKER --load plans one privileged RUN: the command after run.sh, the image mounted read-only, dockerd's data on a tmpfs", async () => {
  const text = `${head}${app}test:\n    ARG V=1\n    WITH DOCKER --load img=+app\n        RUN docker run img > out\n    END\n    SAVE ARTIFACT out AS LOCAL out\n`;
  const { plan: p } = await planText(text, "test");
  assert.deepEqual(p.entitlements, ["security.insecure"]);
  const output = p.outputs.find((o) => o.kind === "artifact");
  assert.ok(output);
  const exec = wrappedExec(output.definition);
  assert.deepEqual(exec.meta.args, ["/bin/sh", "/.ebuild/with-docker/run.sh", "/bin/sh", "-c", "docker run img > out"]);
  assert.ok(exec.meta.env.includes("V=1"), "ARGs reach the command");
  assert.equal(exec.security, "SECURITY_MODE_INSECURE");
  const mounts = Object.fromEntries(exec.mounts.map((m) => [m.dest, m]));
  assert.equal(mounts["/.ebuild/with-docker"]?.readonly, true);
  assert.equal(mounts["/.ebuild/image/0"]?.readonly, true);
  assert.equal(mounts["/var/lib/docker"]?.mountType, "MOUNT_TYPE_TMPFS");
  const setup = written(output.definition, "setup.sh");
  assert.match(setup, /^ebuild_load \/\.ebuild\/image\/0 img --change 'ENV GREETING="hello world"' --change 'CMD \["cat","\/hello"\]'$/m);
  assert.match(written(output.definition, "run.sh"), /dockerd --data-root \/var\/lib\/docker/);
});

test("--load without a name takes the target's SAVE IMAGE names: the first imported, the others tagged", async () => {
  const text = `${head}${app}test:\n    WITH DOCKER --load +app\n        RUN docker run app:latest\n    END\n`;
  const { plan: p } = await planText(text, "test");
  const setup = written(p.outputs[0]!.definition, "setup.sh");
  assert.match(setup, /^ebuild_load \/\.ebuild\/image\/0 app:latest /m);
  assert.match(setup, /^ebuild_tag app:latest other:1$/m);
});

test("a --load target is a LOAD edge: its SAVE IMAGE does not fire, and `plan` says why", async () => {
  const text = `${head}${app}test:\n    WITH DOCKER --load img=(+app --V=2)\n        RUN true\n    END\n`;
  const { plan: p } = await planText(text, "test");
  assert.deepEqual(p.edges.map((e) => `${e.from} ${e.kind} ${e.to}`), ["+test LOAD +app --V=2"]);
  assert.equal(p.outputs.filter((o) => o.kind === "image").length, 0);
  assert.equal(p.skipped.length, 1);
  assert.match(p.skipped[0]!.reason, /reached only through LOAD from \+test/);
});

test("a target both loaded and BUILt saves its image", async () => {
  const text = `${head}${app}test:\n    BUILD +app\n    WITH DOCKER --load +app\n        RUN true\n    END\n`;
  const { plan: p } = await planText(text, "test");
  assert.deepEqual(p.outputs.filter((o) => o.kind === "image").map((o) => o.target), ["+app"]);
});

test("--pull loads an image through BuildKit's image source with its resolved config; --platform applies", async () => {
  const text = `${head}test:\n    WITH DOCKER --pull ebuild-fixture/busybox:latest --platform linux/arm64\n        RUN docker images\n    END\n`;
  const { plan: p } = await planText(text, "test", { withEngine: true });
  const definition = p.outputs[0]!.definition;
  const sources = opsOf(definition).map((op) => op["source"] as { identifier: string } | undefined).filter((s) => s !== undefined);
  assert.ok(sources.some((s) => s.identifier.endsWith("ebuild-fixture/busybox:latest")));
  const platforms = dumpDefinition(definition).ops.map((o) => (o.op["platform"] as { architecture?: string } | undefined)?.architecture);
  assert.ok(platforms.includes("arm64"), platforms.join(","));
  assert.match(written(definition, "setup.sh"), /^ebuild_load \/\.ebuild\/image\/0 ebuild-fixture\/busybox:latest --change 'ENV PULLED=/m);
});

test("--compose and --service reach setup.sh quoted; --cache-id keeps dockerd's data in a locked cache", async () => {
  const text = `${head}test:\n    WITH DOCKER --compose "my compose.yml" --service db --service 'web app' --cache-id dind\n        RUN true\n    END\n`;
  const { plan: p } = await planText(text, "test");
  const setup = written(p.outputs[0]!.definition, "setup.sh");
  assert.match(setup, /^ebuild_compose\(\) \{ \$compose_cli -f 'my compose\.yml' "\$@"; \}$/m);
  assert.match(setup, /^compose_services='db '\\''web app'\\'''$/m);
  const mount = wrappedExec(p.outputs[0]!.definition).mounts.find((m) => m.dest === "/var/lib/docker");
  assert.equal(mount?.mountType, "MOUNT_TYPE_CACHE");
  assert.equal(mount?.cacheOpt?.id, "with-docker:dind");
  assert.equal(mount?.cacheOpt?.sharing, "CACHE_SHARING_OPT_LOCKED");
});

test("misuse fails at its line", async () => {
  const cases: Array<[string, RegExp, number]> = [
    [`test:\n    WITH DOCKER\n        RUN true\n        RUN false\n    END\n`, /WITH DOCKER holds a single RUN, not a second RUN/, 6],
    [`test:\n    WITH DOCKER\n        COPY a b\n    END\n`, /WITH DOCKER holds a single RUN, not COPY/, 5],
    [`test:\n    WITH DOCKER\n    END\n`, /WITH DOCKER needs a RUN/, 4],
    [`test:\n    WITH DOCKER\n        RUN --push true\n    END\n`, /RUN --push is not supported inside WITH DOCKER/, 5],
    [`test:\n    WITH DOCKER --load +nosave\n        RUN true\n    END\nnosave:\n    RUN true\n`, /--load \+nosave needs an image name/, 4],
    [`test:\n    WITH DOCKER --load BAD:=+nosave\n        RUN true\n    END\nnosave:\n    RUN true\n`, /BAD: is not an image name/, 4],
    [`test:\n    WITH DOCKER --service db\n        RUN true\n    END\n`, /--service needs --compose/, 4],
    [`test:\n    WITH DOCKER --load img=+missing\n        RUN true\n    END\n`, /missing/, 4],
  ];
  for (const [body, message, line] of cases) await rejects(planText(`${head}${body}`, "test"), message, line);
});

test("image configs become docker import --change instructions that keep values literal", () => {
  assert.deepEqual(
    configChanges({
      Env: ["A=x y", 'B=say "$HOME" \\o/'],
      Entrypoint: ["/bin/sh", "-c"],
      Cmd: ["echo hi"],
      WorkingDir: "/srv",
      User: "nobody",
      ExposedPorts: { "80/tcp": {} },
      Labels: { "org.example": "a b" },
      Volumes: { "/data": {} },
    }),
    [
      'ENV A="x y"',
      'ENV B="say \\"\\$HOME\\" \\\\o/"',
      'ENTRYPOINT ["/bin/sh","-c"]',
      'CMD ["echo hi"]',
      "WORKDIR /srv",
      "USER nobody",
      "EXPOSE 80/tcp",
      'LABEL "org.example"="a b"',
      'VOLUME ["/data"]',
    ],
  );
  assert.equal(shellQuote("it's"), `'it'\\''s'`);
  assert.equal(setupScript([], [], []), "# What this WITH DOCKER asks for; sourced by run.sh.\n");
});
