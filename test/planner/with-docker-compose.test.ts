/**
 * WITH DOCKER --compose in the planner (no daemon): compose's config, asked for in the target's
 * state before the block, names the services; --service picks some (with what they depend on),
 * their images are pulled unless --load or --pull name them, and a --service the project lacks,
 * an image without compose or a project compose cannot read fail at the flag's position.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { EbuildError } from "../../src/errors.js";
import type { BuildPlace, Engine } from "../../src/planner/engine.js";
import { MemorySourceReader, parseForPlanning, plan } from "../../src/planner/index.js";
import { dumpDefinition } from "../../src/planner/llb/index.js";
import { composeConfigCommand, parseComposeAnswer, servicesToStart, type ComposeService } from "../../src/planner/commands/with-docker-compose.js";

const at = { file: "/repo/Buildfile", line: 1, column: 1 };

/** compose's answer for a project of services (name → image, platform, depends_on). */
function configAnswer(services: Record<string, { image?: string; platform?: string; depends_on?: string[] }>): string {
  const json = Object.fromEntries(
    Object.entries(services).map(([name, s]) => [
      name,
      {
        ...(s.image === undefined ? { build: { context: "." } } : { image: s.image }),
        ...(s.platform === undefined ? {} : { platform: s.platform }),
        ...(s.depends_on === undefined ? {} : { depends_on: Object.fromEntries(s.depends_on.map((d) => [d, { condition: "service_started", required: true }])) }),
        networks: { default: null },
      },
    ]),
  );
  return `ebuild-compose: config\n${JSON.stringify({ name: "w", services: json }, null, 2)}`;
}

const project = configAnswer({
  db: { image: "app/db:1", depends_on: ["cache"] },
  cache: { image: "ebuild-fixture/busybox:latest" },
  web: { image: "app/web", platform: "linux/arm64", depends_on: ["db"] },
  tool: {},
});

/** An engine that answers the compose check with `answer` and records where it was asked. */
function engineAnswering(answer: string, asked: Array<{ place: BuildPlace; command: string }> = []): Engine {
  return {
    async resolveImageConfig(ref) {
      return { config: { Env: [`PULLED=${ref}`] } };
    },
    async shellOut(place, command) {
      asked.push({ place, command });
      return answer;
    },
    async evaluateCondition() {
      return false;
    },
  };
}

const head = "VERSION 0.8\nFROM ebuild-fixture/dind:latest\nWORKDIR /w\n";
const db = "db:\n    FROM ebuild-fixture/busybox:latest\n    SAVE IMAGE app/db:1\n";

function planText(text: string, engine: Engine | undefined) {
  return plan({
    entry: { directory: "/repo", name: "test" },
    platform: "linux/amd64",
    reader: new MemorySourceReader({ "/repo/Buildfile": text }),
    parse: parseForPlanning,
    engine,
  });
}

/** The images setup.sh loads, in order, and the platforms of the image sources. */
function loadedImages(definition: Uint8Array): { names: string[]; sources: string[] } {
  const ops = dumpDefinition(definition).ops;
  let setup = "";
  const sources: string[] = [];
  for (const { op } of ops) {
    const actions = (op["file"] as { actions?: Array<{ mkfile?: { path: string; data: string } }> } | undefined)?.actions ?? [];
    for (const action of actions) if (action.mkfile?.path.endsWith("/setup.sh")) setup = Buffer.from(action.mkfile.data, "base64").toString("utf8");
    const source = op["source"] as { identifier: string } | undefined;
    const platform = op["platform"] as { architecture?: string } | undefined;
    if (source !== undefined) sources.push(`${source.identifier.replace(/^docker-image:\/\//, "")} ${platform?.architecture ?? ""}`);
  }
  const names = [...setup.matchAll(/^ebuild_load \S+ (\S+)/gm)].map((m) => m[1]!);
  return { names, sources };
}

test("compose is asked in the target's state before the block, with the --compose files quoted and the RUN's ARGs", async () => {
  const asked: Array<{ place: BuildPlace; command: string }> = [];
  const text = `${head}${db}test:\n    ARG V=1\n    COPY compose.yml .\n    WITH DOCKER --compose compose.yml --compose "my override.yml" --load +db\n        RUN true\n    END\n`;
  await planText(text, engineAnswering(project, asked));
  assert.equal(asked.length, 1);
  assert.match(asked[0]!.command, /"\$@" -f compose\.yml -f 'my override\.yml' config --format json/);
  assert.deepEqual(asked[0]!.place.environment, [["V", "1"]]);
  assert.equal(asked[0]!.place.target, "+test");
  assert.ok(asked[0]!.place.state !== undefined, "asked in a build state");
});

test("without --service every service's image is loaded, except those --load already names; a service's platform wins", async () => {
  const text = `${head}${db}test:\n    WITH DOCKER --compose compose.yml --load +db\n        RUN true\n    END\n`;
  const { plan: p } = await planText(text, engineAnswering(project));
  const { names, sources } = loadedImages(p.outputs[0]!.definition);
  assert.deepEqual(names, ["app/db:1", "ebuild-fixture/busybox:latest", "app/web"]);
  assert.ok(sources.some((s) => /ebuild-fixture\/busybox:latest amd64$/.test(s)), sources.join("\n"));
  assert.ok(sources.some((s) => /app\/web:latest arm64$/.test(s)), sources.join("\n"));
  assert.ok(!sources.some((s) => /app\/db/.test(s)), "the loaded image is not pulled");
});

test("--service picks services and what they depend on; the others' images stay out", async () => {
  const text = `${head}${db}test:\n    WITH DOCKER --compose compose.yml --service db --pull app/db:1\n        RUN true\n    END\n`;
  const { plan: p } = await planText(text, engineAnswering(project));
  assert.deepEqual(loadedImages(p.outputs[0]!.definition).names, ["app/db:1", "ebuild-fixture/busybox:latest"]);
});

async function rejectsAt(promise: Promise<unknown>, message: RegExp, line: number, column: number, hint?: RegExp) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof EbuildError, String(error));
    assert.equal(error.kind, "semantic");
    assert.match(error.message, message);
    assert.deepEqual([error.at?.line, error.at?.column], [line, column], error.message);
    if (hint) assert.match(error.hint ?? "", hint);
    return true;
  });
}

test("a --service the project does not have fails at that flag and lists the services", async () => {
  const text = `${head}test:\n    WITH DOCKER --compose compose.yml --service db --service nosuch\n        RUN true\n    END\n`;
  await rejectsAt(planText(text, engineAnswering(project)), /--service nosuch: compose\.yml has no service nosuch/, 5, 62, /cache, db, tool, web/);
});

test("an image without compose, and a project compose cannot read, fail at --compose with compose's words", async () => {
  const text = `${head}test:\n    WITH DOCKER --compose compose.yml\n        RUN true\n    END\n`;
  await rejectsAt(planText(text, engineAnswering("ebuild-compose: missing")), /needs Docker Compose in the image of \+test/, 5, 27);
  const broken = 'ebuild-compose: error\nservice "web" depends on undefined service "db": invalid compose project';
  await rejectsAt(planText(text, engineAnswering(broken)), /compose cannot read the project: service "web" depends on undefined service "db"/, 5, 27, /COPY the compose files/);
});

test("without a daemon (`ebuild plan`) compose is not asked: the --compose block still plans", async () => {
  const text = `${head}test:\n    WITH DOCKER --compose compose.yml --service db\n        RUN true\n    END\n`;
  const { plan: p } = await planText(text, undefined);
  assert.deepEqual(loadedImages(p.outputs[0]!.definition).names, []);
});

test("parsing compose's answer: images, platforms and depends_on; services built from source have no image", () => {
  const services = parseComposeAnswer(project, ["compose.yml"], "+test", at);
  assert.deepEqual(services, [
    { name: "db", image: "app/db:1", dependsOn: ["cache"] },
    { name: "cache", image: "ebuild-fixture/busybox:latest", dependsOn: [] },
    { name: "web", image: "app/web", platform: "linux/arm64", dependsOn: ["db"] },
    { name: "tool", dependsOn: [] },
  ]);
  assert.throws(() => parseComposeAnswer("ebuild-compose: config\nnot json", ["c.yml"], "+t", at), /not JSON/);
  assert.throws(() => parseComposeAnswer("something else", ["c.yml"], "+t", at), /unexpected answer/);
});

test("choosing services follows dependencies transitively and once, even around a cycle", () => {
  const s = (name: string, ...dependsOn: string[]): ComposeService => ({ name, dependsOn });
  const services = [s("a", "b"), s("b", "c"), s("c", "a"), s("d")];
  const names = (wanted: string[]) => servicesToStart(services, wanted.map((name) => ({ name, at })), ["c.yml"]).map((x) => x.name);
  assert.deepEqual(names(["a"]), ["a", "b", "c"]);
  assert.deepEqual(names(["d"]), ["d"]);
  assert.deepEqual(names([]), ["a", "b", "c", "d"]);
});

test("the compose check is one shell script that always exits 0 and tags its answer", () => {
  const command = composeConfigCommand(["a.yml", "it's.yml"]);
  assert.match(command, /docker compose version/);
  assert.match(command, /command -v docker-compose/);
  assert.match(command, /-f a\.yml -f 'it'\\''s\.yml' config --format json/);
  assert.match(command, /ebuild-compose: missing/);
});
