/**
 * FROM DOCKERFILE as planned (no daemon): what the Dockerfile frontend is asked, how its LLB
 * lands in the target's definition, and bad input reported at its line.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { EbuildError } from "../../src/errors.js";
import { plan } from "../../src/planner/assemble.js";
import type { BuiltDockerfile, DockerfileBuild, Engine } from "../../src/planner/engine.js";
import { copy, image, local, marshal, type State } from "../../src/planner/llb/index.js";
import { parseForPlanning } from "../../src/planner/parse.js";
import { MemorySourceReader } from "../../src/planner/source.js";
import { opsOf } from "./support/plan.js";

/** An engine whose frontend answers with a small LLB like the real one's: an image and the context's upload. */
function fakeFrontend(stageOf: (base: State) => State = (base) => base): Engine & { requests: DockerfileBuild[] } {
  const requests: DockerfileBuild[] = [];
  const upload = local("context", { sessionId: "planning-session", followPaths: ["/app.txt"], excludePatterns: ["*.log"], sharedKeyHint: "context" });
  const stage = stageOf(image("ebuild-fixture/busybox:latest").file(copy(upload, "/app.txt", "/app/app.txt")));
  return {
    requests,
    async resolveImageConfig() {
      return { config: {} };
    },
    async shellOut() {
      throw new Error("no shell-outs");
    },
    async evaluateCondition() {
      return false;
    },
    async buildDockerfile(request: DockerfileBuild): Promise<BuiltDockerfile> {
      requests.push(request);
      return { definition: marshal(stage).definition, config: { Env: ["PATH=/bin", "MODE=prod"], WorkingDir: "/app", Cmd: ["cat", "app.txt"], Labels: { stage: "base" } } };
    },
  };
}

async function planText(buildfile: string, entry: string, files: Record<string, string> = {}, engine: Engine | null = fakeFrontend()) {
  return plan({
    entry: { directory: "/repo", name: entry },
    platform: "linux/amd64",
    reader: new MemorySourceReader({ "/repo/Buildfile": buildfile, ...files }),
    parse: parseForPlanning,
    engine: engine ?? undefined,
  });
}

const sourcesOf = (definition: Uint8Array) =>
  opsOf(definition)
    .map((o) => o.op["source"] as { identifier: string; attrs: Record<string, string> } | undefined)
    .filter((s) => s !== undefined);

test("the frontend gets the context directory, the Dockerfile, --target, build args in both spellings and the platform", async () => {
  const engine = fakeFrontend();
  await planText(
    "VERSION 0.8\nimg:\n    FROM DOCKERFILE --target base --build-arg A=1 --platform linux/arm64 ./docker --B=2\n",
    "img",
    { "/repo/docker/Dockerfile": "FROM scratch\n" },
    engine,
  );
  const request = engine.requests[0]!;
  assert.deepEqual(request.context, { kind: "directory", directory: "/repo/docker" });
  assert.deepEqual(request.dockerfile, { kind: "directory", directory: "/repo/docker", filename: "Dockerfile" });
  assert.equal(request.stage, "base");
  assert.equal(request.platform, "linux/arm64");
  assert.deepEqual(request.buildArgs, [["A", "1"], ["B", "2"]]);
});

test("-f names a Dockerfile relative to the Buildfile's directory, apart from the context", async () => {
  const engine = fakeFrontend();
  await planText("VERSION 0.8\nimg:\n    FROM DOCKERFILE -f build/Dockerfile.dev .\n", "img", { "/repo/build/Dockerfile.dev": "FROM scratch\n" }, engine);
  assert.deepEqual(engine.requests[0]!.dockerfile, { kind: "directory", directory: "/repo/build", filename: "Dockerfile.dev" });
  assert.deepEqual(engine.requests[0]!.context, { kind: "directory", directory: "/repo" });
});

test("the stage's LLB is the target's base: the upload is renamed for the plan's sessions and the image config carries over", async () => {
  const { plan: planned } = await planText(
    "VERSION 0.8\nimg:\n    FROM DOCKERFILE ./docker\n    ENV EXTRA=1\n    RUN cat app.txt\n    SAVE IMAGE dfl:1\n",
    "img",
    { "/repo/docker/Dockerfile": "FROM scratch\n" },
  );
  const saved = planned.outputs.find((o) => o.kind === "image");
  assert.ok(saved?.kind === "image");
  assert.deepEqual(saved.config, { Env: ["PATH=/bin", "MODE=prod", "EXTRA=1"], WorkingDir: "/app", Cmd: ["cat", "app.txt"], Labels: { stage: "base" } });
  const sources = sourcesOf(saved.definition);
  assert.deepEqual(sources.map((s) => s.identifier).sort(), ["docker-image://docker.io/ebuild-fixture/busybox:latest", "local://dockerfile:docker"]);
  const upload = sources.find((s) => s.identifier === "local://dockerfile:docker")!;
  assert.equal(upload.attrs["local.session"], undefined, "the planning session is gone when the plan runs");
  assert.equal(upload.attrs["local.followpaths"], JSON.stringify(["/app.txt"]), "only what the Dockerfile copies travels");
  assert.equal(upload.attrs["local.excludepatterns"], JSON.stringify(["*.log", ".ebuild-staging-*"]));
  assert.deepEqual(planned.contexts, [{ name: "dockerfile:docker", dir: "/repo/docker" }]);
  const exec = opsOf(saved.definition).map((o) => o.op["exec"]).find((e) => e !== undefined) as { meta: { env: string[]; cwd: string } };
  assert.equal(exec.meta.cwd, "/app", "later RUNs start in the Dockerfile's WORKDIR");
  assert.ok(exec.meta.env.includes("MODE=prod") && exec.meta.env.includes("EXTRA=1"), exec.meta.env.join(" "));
});

test("a context or Dockerfile from another target's artifacts is a planned state; build args reach that target", async () => {
  const engine = fakeFrontend();
  await planText(
    "VERSION 0.8\nFROM ebuild-fixture/busybox:latest\nsrc:\n    ARG V=0\n    RUN mkdir -p dir && echo $V > dir/Dockerfile\n    SAVE ARTIFACT dir\nimg:\n    FROM DOCKERFILE -f +src/dir/Dockerfile +src/dir --V=7\n",
    "img",
    {},
    engine,
  );
  const request = engine.requests[0]!;
  assert.equal(request.context.kind, "state");
  assert.deepEqual({ kind: request.dockerfile.kind, filename: request.dockerfile.filename }, { kind: "state", filename: "dir/Dockerfile" });
  const { reach } = await planText(
    "VERSION 0.8\nFROM ebuild-fixture/busybox:latest\nsrc:\n    ARG V=0\n    SAVE ARTIFACT dir\nimg:\n    FROM DOCKERFILE +src/dir --V=7\n",
    "img",
  );
  assert.deepEqual(reach.targets.map((t) => t.label), ["+img", "+src --V=7"]);
});

test("bad FROM DOCKERFILE input is reported at its line", async () => {
  const cases: Array<{ body: string; files?: Record<string, string>; says: RegExp; at: string }> = [
    { body: "FROM DOCKERFILE ./docker", files: { "/repo/docker/readme": "" }, says: /no Dockerfile at docker\/Dockerfile/, at: "3:21" },
    { body: "FROM DOCKERFILE -f nope/Dockerfile .", says: /no Dockerfile at nope\/Dockerfile/, at: "3:24" },
    { body: "FROM DOCKERFILE ./missing", says: /build context \.\/missing does not exist/, at: "3:21" },
    { body: "FROM DOCKERFILE ../outside", says: /outside the Buildfile's directory/, at: "3:21" },
    { body: "FROM DOCKERFILE --platform linux .", files: { "/repo/Dockerfile": "" }, says: /--platform=linux/, at: "3:5" },
  ];
  for (const c of cases) {
    const error = await planText(`VERSION 0.8\nimg:\n    ${c.body}\n`, "img", c.files ?? {}).then(
      () => undefined,
      (e: unknown) => e as { message: string; at?: { line: number; column: number } },
    );
    assert.ok(error, `${c.body} should fail`);
    assert.match(error.message, c.says, c.body);
    assert.equal(`${error.at?.line}:${error.at?.column}`, c.at, c.body);
  }
  await assert.rejects(planText("VERSION 0.8\nimg:\n    FROM DOCKERFILE .\n", "img", { "/repo/Dockerfile": "" }, null), (e: { message: string; at?: { line: number } }) => /needs the BuildKit daemon/.test(e.message) && e.at?.line === 3);
});

/** Planning with a frontend whose stage ends in one RUN with `options` (as a Dockerfile RUN's flags make it). */
const withRun = (options: Omit<Parameters<State["run"]>[0], "args">) => fakeFrontend((base) => base.run({ args: ["/bin/sh", "-c", "true"], ...options }).root());
const files = { "/repo/Dockerfile": "FROM scratch\n" };

test("a Dockerfile RUN --security=insecure or --network=host needs FROM DOCKERFILE --allow-privileged, refused (exit 9) at its line", async () => {
  for (const options of [{ security: "insecure" as const }, { network: "host" as const }]) {
    const needs = options.security === undefined ? "network.host" : "security.insecure";
    await assert.rejects(
      planText("VERSION 0.8\nimg:\n    FROM DOCKERFILE .\n", "img", files, withRun(options)),
      (e: EbuildError) => e.kind === "privileged" && e.message.includes(needs) && e.at?.line === 3 && e.at.column === 5 && /--allow-privileged/.test(e.hint ?? ""),
    );
    const { plan: planned } = await planText("VERSION 0.8\nimg:\n    FROM DOCKERFILE --allow-privileged .\n    SAVE IMAGE dfl:1\n", "img", files, withRun(options));
    assert.deepEqual(planned.entitlements, [needs], "the executor asks the daemon for it (with -P)");
    assert.deepEqual(planned.entitlementsAt?.[needs], { file: "/repo/Buildfile", line: 3, column: 5 }, "a missing -P is reported at the FROM DOCKERFILE");
  }
});

test("the secrets a Dockerfile's RUNs require become the plan's secrets; optional ones (the Dockerfile default) do not", async () => {
  const { plan: planned } = await planText(
    "VERSION 0.8\nimg:\n    FROM DOCKERFILE .\n    SAVE IMAGE dfl:1\n",
    "img",
    files,
    withRun({
      mounts: [
        { type: "secret", target: "/run/secrets/token", id: "token" },
        { type: "secret", target: "/run/secrets/maybe", id: "maybe", optional: true },
      ],
      secretEnv: [{ id: "env-token", name: "TOKEN" }],
    }),
  );
  assert.deepEqual(planned.secrets, ["env-token", "token"]);
  assert.deepEqual(planned.entitlements, []);
});
