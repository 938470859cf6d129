import { test } from "node:test";
import assert from "node:assert/strict";
import type { Engine } from "../../src/planner/engine.js";
import { ARG, BUILD, CMD, COPY, ENV, FROM, RUN, SAVE_ARTIFACT, SAVE_IMAGE, WORKDIR, word } from "./support/ast.js";
import { opsOf, planOf } from "./support/plan.js";
import { plan, MemorySourceReader, parseForPlanning } from "../../src/planner/index.js";

const engine: Engine = {
  async resolveImageConfig() {
    return { config: { Env: ["PATH=/bin"], WorkingDir: "/home", Cmd: ["sh"] } };
  },
  async shellOut() {
    throw new Error("no shell-outs here");
  },
  async evaluateCondition() {
    return false;
  },
};

const image = "ebuild-fixture/busybox:latest";

test("a RUN sees ARGs as its environment and image ENV, while the saved config holds only ENV", async () => {
  const { plan } = await planOf({ "/repo": { targets: { a: [FROM(image), ARG("V", "1"), ENV("E", "e"), RUN("echo $V"), SAVE_IMAGE("app:1")] } } }, "a", { engine });
  const saved = plan.outputs.find((o) => o.kind === "image");
  assert.ok(saved?.kind === "image");
  assert.deepEqual(saved.config.Env, ["PATH=/bin", "E=e"]);
  assert.equal(saved.config.WorkingDir, "/home");
  const exec = opsOf(saved.definition).map((o) => o.op["exec"]).find((e) => e !== undefined) as { meta: { args: string[]; env: string[]; cwd: string } };
  assert.deepEqual(exec.meta.args, ["/bin/sh", "-c", "echo $V"]);
  assert.ok(exec.meta.env.includes("V=1") && exec.meta.env.includes("E=e") && exec.meta.env.includes("PATH=/bin"), exec.meta.env.join(" "));
  assert.equal(exec.meta.cwd, "/home");
});

test("COPY sends only the named files of the Buildfile's directory, with the constant mtime", async () => {
  const { plan } = await planOf({ "/repo": { targets: { a: [FROM(image), COPY("src/main.go", "/app/")] } } }, "a");
  assert.deepEqual(plan.contexts, [{ name: "context", dir: "/repo" }]);
  const ops = opsOf(plan.outputs[0]!.definition);
  const source = ops.map((o) => o.op["source"] as { identifier: string; attrs: Record<string, string> } | undefined).find((s) => s?.identifier === "local://context");
  assert.equal(source?.attrs["local.includepattern"], JSON.stringify(["src/main.go"]));
  const file = ops.map((o) => o.op["file"]).find((f) => f !== undefined) as { actions: Array<{ copy: { src: string; dest: string; timestamp: string } }> };
  assert.equal(file.actions[0]!.copy.src, "/src/main.go");
  assert.equal(file.actions[0]!.copy.dest, "/app/");
  assert.equal(file.actions[0]!.copy.timestamp, String(Date.UTC(2020, 3, 16, 12) * 1e6));
});

test("COPY +target/path copies from that target's artifacts, which SAVE ARTIFACT filled", async () => {
  const { plan } = await planOf({ "/repo": { targets: { a: [FROM(image), COPY("+b/out", "/in")], b: [FROM(image), RUN("make"), SAVE_ARTIFACT("out")] } } }, "a");
  const ops = opsOf(plan.outputs[0]!.definition);
  const copies = ops.flatMap((o) => ((o.op["file"] as { actions?: Array<{ copy?: { src: string; dest: string } }> } | undefined)?.actions ?? []).map((a) => a.copy)).filter((c) => c !== undefined);
  assert.deepEqual(copies.map((c) => `${c!.src} → ${c!.dest}`).sort(), ["/out → /", "/out → /in"]);
  assert.ok(ops.some((o) => (o.op["exec"] as { meta?: { args?: string[] } } | undefined)?.meta?.args?.[2] === "make"), "b's RUN is in a's graph");
  // Only artifacts are copied: the Buildfile's directory is not uploaded.
  assert.deepEqual(plan.contexts, []);
});

test("the outputs list runs, then images, then artifacts; skipped effects keep their reason", async () => {
  const { plan } = await planOf(
    { "/repo": { targets: { a: [FROM("+base"), BUILD("+img"), SAVE_ARTIFACT("x", "out/x")], base: [FROM(image), SAVE_IMAGE("base")], img: [FROM(image), SAVE_IMAGE("img"), CMD("sh")] } } },
    "a",
  );
  assert.deepEqual(plan.outputs.map((o) => `${o.kind} ${o.target}`), ["run +a", "run +img", "image +img", "artifact +a"]);
  assert.deepEqual(plan.skipped.map((s) => `${s.target}: ${s.reason}`), ["+base: reached only through FROM from +a at Buildfile:3 — add BUILD +base to fire it"]);
  assert.deepEqual(plan.edges.map((e) => `${e.from} ${e.kind} ${e.to}`), ["+a FROM +base", "+a BUILD +img"]);
});

test("digests are stable across runs, and an unrelated line does not change a target's definition", async () => {
  const files = (extra: string) => ({ "/repo": { targets: { a: [FROM(image), WORKDIR("/w"), RUN("make")], other: [FROM(image), RUN(extra)] } } });
  const first = await planOf(files("one"), "a");
  const again = await planOf(files("one"), "a");
  const changed = await planOf(files("two"), "a");
  assert.deepEqual(first.plan.outputs[0]!.definition, again.plan.outputs[0]!.definition);
  assert.deepEqual(first.plan.outputs[0]!.definition, changed.plan.outputs[0]!.definition);
});

test("GIT CLONE checks the repository out into the destination through a git source", async () => {
  const clone = { kind: "GIT_CLONE" as const, range: WORKDIR("/").range, args: [], flags: { branch: word("v1"), keepTs: false }, url: word("https://git.example.test/org/repo.git"), dest: word("src") };
  const { plan } = await planOf({ "/repo": { targets: { a: [FROM(image), WORKDIR("/w"), clone] } } }, "a");
  const ops = opsOf(plan.outputs[0]!.definition);
  const source = ops.map((o) => o.op["source"] as { identifier: string } | undefined).find((s) => s?.identifier.startsWith("git://"));
  assert.equal(source?.identifier, "git://git.example.test/org/repo.git#v1");
  const copyOp = ops.flatMap((o) => ((o.op["file"] as { actions?: Array<{ copy?: { src: string; dest: string } }> } | undefined)?.actions ?? [])).find((a) => a.copy?.src === "/");
  assert.equal(copyOp?.copy?.dest, "/w/src");
});

test("commands ebuild cannot run yet are refused at their line, never skipped", async () => {
  const add = { kind: "UNSUPPORTED" as const, keyword: "ADD" as const, range: WORKDIR("/").range, args: [] };
  await assert.rejects(planOf({ "/repo": { targets: { a: [FROM(image), add] } } }, "a"), /ADD is not supported/);
});

test("RUN and COPY ops carry their Buildfile position, so the daemon's errors point at the line", async () => {
  const { plan } = await planOf({ "/repo": { targets: { a: [FROM(image), COPY("x", "/x"), RUN("false")] } } }, "a");
  const ops = opsOf(plan.outputs[0]!.definition);
  const located = ops.filter((o) => o.locations !== undefined).map((o) => `${Object.keys(o.op).find((k) => k !== "inputs" && k !== "platform" && k !== "constraints")} ${o.locations!.join(",")}`);
  assert.deepEqual(located.sort(), ["exec Buildfile:5:0-5:79", "file Buildfile:4:0-4:79"]);
});

test("what a WAIT block saves comes in an earlier phase than what follows it", async () => {
  const wait = { kind: "WAIT" as const, range: WORKDIR("/").range, args: [], body: [SAVE_ARTIFACT("/etc/a", "a")] };
  const { plan } = await planOf({ "/repo": { targets: { a: [FROM(image), wait, SAVE_ARTIFACT("/etc/b", "b"), SAVE_IMAGE("x")] } } }, "a");
  assert.deepEqual(plan.outputs.filter((o) => o.kind !== "run").map((o) => `${o.kind} ${o.phase ?? 0}`), ["image 1", "artifact 0", "artifact 1"]);
});

test("RUN flags become the exec op's security mode, network, mounts and secret env", async () => {
  const run = RUN("make", { privileged: true, secrets: ["TOKEN=gh"] });
  const mount = (spec: string) => ({ spec: word(spec), type: /type=(\w+)/.exec(spec)![1], options: spec.split(",").map((kv) => ({ key: kv.split("=")[0]!, value: kv.split("=")[1] })), range: run.range });
  run.flags.mounts = [mount("type=cache,target=/root/.cache"), mount("type=tmpfs,target=/tmp"), mount("type=secret,id=npmrc,target=/root/.npmrc")];
  run.flags.network = word("none");
  const { plan } = await planOf({ "/repo": { targets: { a: [FROM(image), run] } } }, "a");
  assert.deepEqual(plan.entitlements, ["security.insecure"]);
  assert.deepEqual(plan.secrets, ["gh", "npmrc"]);
  const exec = opsOf(plan.outputs[0]!.definition).map((o) => o.op["exec"]).find((e) => e !== undefined) as {
    security: string;
    network: string;
    secretEnv: Array<{ id: string; name: string }>;
    mounts: Array<{ dest: string; mountType?: string; cacheOpt?: { ID: string; sharing?: string }; secretOpt?: { ID: string } }>;
  };
  assert.equal(exec.security, "SECURITY_MODE_INSECURE");
  assert.equal(exec.network, "NET_MODE_NONE");
  assert.deepEqual(exec.secretEnv.map((s) => `${s.name}=${s.id}`), ["TOKEN=gh"]);
  assert.deepEqual(exec.mounts.map((m) => `${m.dest} ${(m.mountType ?? "MOUNT_TYPE_BIND").replace("MOUNT_TYPE_", "")}`), ["/ BIND", "/root/.cache CACHE", "/tmp TMPFS", "/root/.npmrc SECRET"]);
});

test("every op of the plan names the statement it came from, for progress lines", async () => {
  const { plan } = await planOf({ "/repo": { targets: { a: [FROM(image), WORKDIR("/w"), COPY("+b/out", "in"), RUN("make")], b: [FROM(image), RUN("build"), SAVE_ARTIFACT("out")] } } }, "a");
  const ops = opsOf(plan.outputs[0]!.definition);
  const named = ops.map((o) => plan.steps?.get(o.digest)).filter((s) => s !== undefined).map((s) => `${s.target} ${s.command} :${s.at?.line}`);
  // The image op is shared by both targets: the first statement to make it names it.
  assert.deepEqual(named.sort(), ["+a COPY :5", "+a FROM :3", "+a RUN :6", "+a WORKDIR :4", "+b RUN :9", "+b SAVE ARTIFACT :10"].sort());
});

test("a target FROM another changes its own copy of the image config: the other's saved config keeps its values", async () => {
  const text = `VERSION 0.8
all:
    BUILD +parent
    BUILD +child
parent:
    FROM ${image}
    ENV A=1
    LABEL x=1
    EXPOSE 80
    VOLUME /data
    CMD ["base"]
    HEALTHCHECK CMD true
    SAVE IMAGE parent
child:
    FROM +parent
    ENV A=2
    ENV B=2
    LABEL y=2
    EXPOSE 81
    VOLUME /more
    ENTRYPOINT ["child"]
    HEALTHCHECK NONE
    SAVE IMAGE child
`;
  const reader = new MemorySourceReader({ "/repo/Buildfile": text });
  const { plan: planned } = await plan({ entry: { directory: "/repo", name: "all" }, platform: "linux/amd64", reader, parse: parseForPlanning, engine });
  const configOf = (name: string) => {
    const output = planned.outputs.find((o) => o.kind === "image" && o.names.includes(name));
    assert.ok(output?.kind === "image", name);
    return output.config;
  };
  assert.deepEqual(configOf("parent"), {
    Env: ["PATH=/bin", "A=1"],
    WorkingDir: "/home",
    Cmd: ["base"],
    Labels: { x: "1" },
    ExposedPorts: { "80/tcp": {} },
    Volumes: { "/data": {} },
    Healthcheck: { Test: ["CMD-SHELL", "true"] },
  });
  assert.deepEqual(configOf("child"), {
    Env: ["PATH=/bin", "A=2", "B=2"],
    WorkingDir: "/home",
    Entrypoint: ["child"],
    Labels: { x: "1", y: "2" },
    ExposedPorts: { "80/tcp": {}, "81/tcp": {} },
    Volumes: { "/data": {}, "/more": {} },
    Healthcheck: { Test: ["NONE"] },
  });
});

test("an IMPORT in a target's recipe serves that target only, in a Buildfile without a base recipe", async () => {
  const reader = new MemorySourceReader({
    "/repo/Buildfile": "VERSION 0.8\na:\n    IMPORT --allow-privileged ./lib AS l\n    BUILD l+x\nb:\n    BUILD l+x\nall:\n    BUILD +a\n    BUILD +b\n",
    "/repo/lib/Buildfile": `VERSION 0.8\nx:\n    FROM ${image}\n    SAVE IMAGE x\n`,
  });
  const planFor = (name: string) => plan({ entry: { directory: "/repo", name }, platform: "linux/amd64", reader, parse: parseForPlanning });
  const { plan: a } = await planFor("a");
  assert.deepEqual(a.outputs.map((o) => `${o.kind} ${o.target}`), ["run ./lib+x", "image ./lib+x"]);
  for (const name of ["b", "all"]) await assert.rejects(planFor(name), /"l\+x" uses l, but no IMPORT is named l/, name);
});
