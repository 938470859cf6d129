/**
 * The executor on the real daemon with hand-made Plans: what a user sees after `ebuild +target`
 * (files on disk, images in Docker), and what a failed build must leave alone.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { executePlan } from "../../src/cli/build/execute-plan.js";
import { EbuildError } from "../../src/errors.js";
import { copy, image, local, marshal, mkdir as mkdirAction, mkfile, scratch, type State } from "../../src/planner/llb/index.js";
import type { Plan, PlannedOutput } from "../../src/planner/plan.js";
import { useDaemon } from "../support/daemon.js";

const run = promisify(execFile);
const base = "ebuild-fixture/busybox:latest";
const daemon = useDaemon();

function plan(outputs: PlannedOutput[], extra: Partial<Plan> = {}): Plan {
  return { outputs, skipped: [], edges: [], contexts: [], secrets: [], entitlements: [], ...extra };
}

function def(state: State): Uint8Array {
  return marshal(state).definition;
}

async function listing(dir: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(at: string, prefix: string): Promise<void> {
    for (const entry of await readdir(at, { withFileTypes: true })) {
      if (entry.isDirectory()) await walk(join(at, entry.name), `${prefix}${entry.name}/`);
      else out.push(`${prefix}${entry.name}=${await readFile(join(at, entry.name), "utf8")}`);
    }
  }
  await walk(dir, "");
  return out.sort();
}

const execute = (p: Plan) =>
  executePlan({ client: daemon.client, plan: p, push: false, localOutput: true, allowPrivileged: false, secrets: new Map() });

test("artifacts land as a file, a replaced directory and a merged glob, from a context the session uploads", async () => {
  const project = await mkdtemp(join(tmpdir(), "ebuild-exec-"));
  await mkdir(join(project, "src"));
  await writeFile(join(project, "src/greeting.txt"), "hello");
  await mkdir(join(project, "dist/old"), { recursive: true });
  await writeFile(join(project, "dist/old/stale.txt"), "stale");
  await mkdir(join(project, "merged"));
  await writeFile(join(project, "merged/kept.txt"), "kept");

  const context = local("ctx", { includePatterns: ["src"] });
  const built = image(base)
    .file(copy(context, "src", "/work", { copyDirContentsOnly: true, createDestPath: true }))
    .run({ args: "cd /work && tr a-z A-Z < greeting.txt > loud.txt && mkdir -p out/sub && echo x > out/sub/x.txt && echo y > out/y.txt" })
    .root();
  const fileArtifact = scratch().file(copy(built, "/work/loud.txt", "/loud.txt"));
  const dirArtifact = scratch().file(copy(built, "/work/out", "/", { copyDirContentsOnly: true }));
  const result = await execute(
    plan(
      [
        { kind: "artifact", target: "+build", definition: def(fileArtifact), baseDir: project, destination: "out/loud.txt", shape: "file", force: false },
        { kind: "artifact", target: "+build", definition: def(dirArtifact), baseDir: project, destination: "dist", shape: "replace", force: false },
        { kind: "artifact", target: "+build", definition: def(dirArtifact), baseDir: project, destination: "merged", shape: "merge", force: false },
      ],
      { contexts: [{ name: "ctx", dir: project }] },
    ),
  );
  assert.deepEqual(await listing(project), [
    "dist/sub/x.txt=x\n",
    "dist/y.txt=y\n",
    "merged/kept.txt=kept",
    "merged/sub/x.txt=x\n",
    "merged/y.txt=y\n",
    "out/loud.txt=HELLO",
    "src/greeting.txt=hello",
  ]);
  assert.deepEqual(result.artifacts.map((a) => a.path).sort(), [join(project, "dist"), join(project, "merged"), join(project, "out/loud.txt")]);
  assert.deepEqual(await readdir(project).then((names) => names.filter((n) => n.startsWith(".ebuild-staging"))), []);
});

test("a failing RUN in one output leaves the artifacts of the others unwritten and earlier outputs intact", async () => {
  const project = await mkdtemp(join(tmpdir(), "ebuild-exec-fail-"));
  await writeFile(join(project, "result.txt"), "from the last good build");
  const good = scratch().file(mkfile("/result.txt", 0o644, "new"));
  const bad = image(base).run({ args: "echo about to fail; exit 7" }).root();
  await assert.rejects(
    execute(
      plan([
        { kind: "artifact", target: "+good", definition: def(good), baseDir: project, destination: "result.txt", shape: "file", force: false },
        { kind: "run", target: "+bad", definition: def(bad) },
      ]),
    ),
    (error: unknown) => error instanceof EbuildError && error.kind === "build",
  );
  assert.deepEqual(await readdir(project), ["result.txt"]);
  assert.equal(await readFile(join(project, "result.txt"), "utf8"), "from the last good build");
});

test("an image lands in Docker's image store with the configuration the plan gives it", async () => {
  const name = `ebuild-test/exec-image:${process.pid}`;
  const state = image(base).file(mkdirAction("/app", 0o755).mkfile("/app/hello.sh", 0o755, "#!/bin/sh\necho hello from $GREETING\n"));
  const result = await execute(
    plan([
      {
        kind: "image",
        target: "+image",
        definition: def(state),
        names: [name],
        push: true,
        insecure: false,
        platform: { os: "linux", architecture: "amd64" },
        config: { Env: ["PATH=/bin", "GREETING=ebuild"], Entrypoint: ["/app/hello.sh"], WorkingDir: "/app", Labels: { "org.example.k": "v" } },
      },
    ]),
  );
  try {
    const { stdout } = await run("docker", ["image", "inspect", name, "--format", "{{json .Config}}"]);
    const config = JSON.parse(stdout) as { Env: string[]; Entrypoint: string[]; WorkingDir: string; Labels: Record<string, string> };
    assert.deepEqual(config.Env, ["PATH=/bin", "GREETING=ebuild"]);
    assert.deepEqual(config.Entrypoint, ["/app/hello.sh"]);
    assert.equal(config.WorkingDir, "/app");
    assert.equal(config.Labels["org.example.k"], "v");
    const ran = await run("docker", ["run", "--rm", name]);
    assert.equal(ran.stdout, "hello from ebuild\n");
    assert.deepEqual(result.images.map((i) => i.names), [[name]]);
    assert.deepEqual(result.notDone.map((n) => n.reason), ["run with --push to push it"]);
  } finally {
    await run("docker", ["rmi", "-f", name]).catch(() => {});
  }
});

test("privileged work and unknown secrets are refused before anything runs", async () => {
  const state = image(base).run({ args: "true", security: "insecure" }).root();
  await assert.rejects(
    execute(plan([{ kind: "run", target: "+p", definition: def(state) }], { entitlements: ["security.insecure"] })),
    (error: unknown) => error instanceof EbuildError && error.kind === "privileged" && error.exitCode === 9,
  );
  await assert.rejects(
    execute(plan([{ kind: "run", target: "+s", definition: def(state) }], { secrets: ["token"] })),
    (error: unknown) => error instanceof EbuildError && error.kind === "usage" && /--secret token=VALUE/.test(error.hint ?? ""),
  );
});
