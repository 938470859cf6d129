/**
 * Each command and each flag form, read into its typed node. A case lists only the fields it is
 * about; everything else in the node may be anything.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseBuildfile } from "../../src/parser/index.js";
import { plain, statementOf } from "./support.js";

/** Fails unless every field of `expected` is in `actual` with an equal value (arrays: same length, each element alike). */
function assertHas(actual: unknown, expected: unknown, path = "$"): void {
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${path} is not an array`);
    assert.equal(actual.length, expected.length, `${path}.length`);
    expected.forEach((e, i) => assertHas(actual[i], e, `${path}[${i}]`));
    return;
  }
  if (expected !== null && typeof expected === "object" && !Array.isArray(expected)) {
    assert.ok(actual !== null && typeof actual === "object", `${path} is not an object`);
    for (const [key, value] of Object.entries(expected)) assertHas((actual as Record<string, unknown>)[key], value, `${path}.${key}`);
    return;
  }
  assert.deepEqual(actual, expected, path);
}

const cases: [string, Record<string, unknown>][] = [
  // FROM
  ["FROM busybox:1.36", { kind: "FROM", image: "busybox:1.36", overrides: [] }],
  ["FROM --platform=linux/arm64 +base-image --V=1", { kind: "FROM", flags: { platform: "linux/arm64" }, image: "+base-image", overrides: [{ name: "V", value: "1" }] }],
  ["FROM --platform linux/arm64 --allow-privileged --pass-args ../lib+t", { flags: { platform: "linux/arm64", allowPrivileged: true, passArgs: true }, image: "../lib+t" }],
  ["FROM --build-arg A=1 +t", { flags: { buildArgs: ["A=1"] }, image: "+t" }],
  ["FROM DOCKERFILE -f +src/Dockerfile --target build --build-arg X=1 .", { kind: "FROM_DOCKERFILE", flags: { file: "+src/Dockerfile", target: "build", buildArgs: ["X=1"] }, context: "." }],
  ["FROM DOCKERFILE --platform=linux/arm64 --allow-privileged +ctx/dir", { kind: "FROM_DOCKERFILE", flags: { platform: "linux/arm64", allowPrivileged: true }, context: "+ctx/dir" }],
  ["LOCALLY", { kind: "LOCALLY" }],
  // RUN
  ["RUN echo hello", { kind: "RUN", form: "shell", text: "echo hello", flags: { push: false, noCache: false } }],
  ['RUN ["echo", "a b"]', { kind: "RUN", form: "exec", exec: ["echo", "a b"] }],
  ["RUN --push --no-cache --privileged --entrypoint --ssh -- ls", { flags: { push: true, noCache: true, privileged: true, entrypoint: true, ssh: true }, text: "ls" }],
  ["RUN --secret TOKEN=tok --secret other make", { flags: { secrets: ["TOKEN=tok", "other"] }, text: "make" }],
  [
    "RUN --mount=type=cache,target=/root/.cache,sharing=locked --mount type=tmpfs,target=/tmp go build",
    {
      flags: {
        mounts: [
          { spec: "type=cache,target=/root/.cache,sharing=locked", type: "cache", options: [{ key: "type", value: "cache" }, { key: "target", value: "/root/.cache" }, { key: "sharing", value: "locked" }] },
          { spec: "type=tmpfs,target=/tmp", type: "tmpfs", options: [{ key: "type", value: "tmpfs" }, { key: "target", value: "/tmp" }] },
        ],
      },
    },
  ],
  ["RUN --network=none --interactive --interactive-keep --raw-output --aws --oidc=role-arn=x true", { flags: { network: "none", interactive: true, interactiveKeep: true, rawOutput: true, aws: true, oidc: "role-arn=x" } }],
  ["RUN --push=false echo", { flags: { push: false } }],
  ['RUN echo "a # not a comment" # a comment', { text: 'echo "a # not a comment"' }],
  ['RUN echo $(echo "x)" | tr x y) done', { command: ["echo", '$(echo "x)" | tr x y)', "done"] }],
  // COPY
  ["COPY a b /dst/", { kind: "COPY", sources: [{ source: "a", overrides: [], parenthesized: false }, { source: "b", overrides: [], parenthesized: false }], dest: "/dst/" }],
  ["COPY --dir --keep-ts --keep-own --if-exists --symlink-no-follow --chmod=0755 --chown app:app +build/out ./", { flags: { dir: true, keepTs: true, keepOwn: true, ifExists: true, symlinkNoFollow: true, chmod: "0755", chown: "app:app" }, sources: [{ source: "+build/out" }], dest: "./" }],
  ["COPY (+t/a --X=1 --Y=two) ./", { sources: [{ source: "+t/a", overrides: [{ name: "X", value: "1" }, { name: "Y", value: "two" }], parenthesized: true }], dest: "./" }],
  ["COPY ( +t/a --X=1 ) ./", { sources: [{ source: "+t/a", overrides: [{ name: "X", value: "1" }], parenthesized: true }], dest: "./" }],
  ["COPY (+t/a) b ./", { sources: [{ source: "+t/a", overrides: [], parenthesized: true }, { source: "b" }] }],
  ["COPY --platform=linux/amd64 --allow-privileged --pass-args --build-arg A=1 +t/a .", { flags: { platform: "linux/amd64", allowPrivileged: true, passArgs: true, buildArgs: ["A=1"] } }],
  // ARG / LET / SET
  ["ARG NAME", { kind: "ARG", name: "NAME", flags: { required: false, global: false } }],
  ["ARG --required TAG", { flags: { required: true }, name: "TAG" }],
  ['ARG GREETING=hello "big" world', { name: "GREETING", value: 'hello "big" world' }],
  ["ARG NOW=$(date +%s)", { value: "$(date +%s)" }],
  ["ARG EMPTY=", { name: "EMPTY", value: "" }],
  ["ARG baseUrl = https://example.test/x y", { name: "baseUrl", value: "https://example.test/x y" }],
  ["ARG A =b", { name: "A", value: "b" }],
  ["ARG A= b", { name: "A", value: "b" }],
  ["ARG A =", { name: "A", value: "" }],
  ["LET x=1", { kind: "LET", name: "x", value: "1" }],
  ["SET x=two words", { kind: "SET", name: "x", value: "two words" }],
  // ENV / LABEL
  ['ENV A=1 B="two words" C=3', { kind: "ENV", form: "pairs", pairs: [{ key: "A", value: "1" }, { key: "B", value: '"two words"' }, { key: "C", value: "3" }] }],
  ["ENV KEY value with spaces", { form: "single", pairs: [{ key: "KEY", value: "value with spaces" }] }],
  ['LABEL org.opencontainers.image.title="my app" "quoted.key"=v', { kind: "LABEL", form: "pairs", pairs: [{ key: "org.opencontainers.image.title", value: '"my app"' }, { key: '"quoted.key"', value: "v" }] }],
  // image config
  ["WORKDIR /src/app", { kind: "WORKDIR", path: "/src/app" }],
  ["USER app:app", { kind: "USER", user: "app:app" }],
  ['ENTRYPOINT ["/bin/app", "--serve"]', { kind: "ENTRYPOINT", form: "exec", exec: ["/bin/app", "--serve"] }],
  ["CMD echo $HOME", { kind: "CMD", form: "shell", text: "echo $HOME" }],
  ["EXPOSE 80 443/tcp", { kind: "EXPOSE", ports: ["80", "443/tcp"] }],
  ["VOLUME /data /logs", { kind: "VOLUME", form: "shell", paths: ["/data", "/logs"] }],
  ['VOLUME ["/data"]', { kind: "VOLUME", form: "exec", exec: ["/data"] }],
  ["HEALTHCHECK NONE", { kind: "HEALTHCHECK", none: true }],
  ["HEALTHCHECK --interval=5s --timeout 2s --start-period=1s --retries=3 --start-interval=1s CMD wget -q localhost", { none: false, flags: { interval: "5s", timeout: "2s", startPeriod: "1s", retries: "3", startInterval: "1s" }, command: { form: "shell", text: "wget -q localhost" } }],
  // SAVE
  ["SAVE ARTIFACT dist", { kind: "SAVE_ARTIFACT", source: "dist", flags: { keepTs: false, force: false } }],
  ["SAVE ARTIFACT --keep-ts --keep-own --if-exists --symlink-no-follow --force bin/app /app AS LOCAL out/app", { flags: { keepTs: true, keepOwn: true, ifExists: true, symlinkNoFollow: true, force: true }, source: "bin/app", artifactDest: "/app", asLocal: "out/app" }],
  ["SAVE ARTIFACT ./x AS LOCAL x", { source: "./x", asLocal: "x" }],
  ["SAVE IMAGE", { kind: "SAVE_IMAGE", names: [] }],
  ["SAVE IMAGE --push --no-manifest-list --cache-hint --insecure --cache-from=reg/c:1 --without-earthly-labels app:latest app:1", { flags: { push: true, noManifestList: true, cacheHint: true, insecure: true, cacheFrom: ["reg/c:1"], withoutEarthlyLabels: true }, names: ["app:latest", "app:1"] }],
  // BUILD / DO / IMPORT
  ["BUILD +test", { kind: "BUILD", target: "+test", overrides: [] }],
  ["BUILD --platform=linux/amd64 --platform linux/arm64 --auto-skip ./svc+image --TAG=a --TAG=b --FLAG", { flags: { platforms: ["linux/amd64", "linux/arm64"], autoSkip: true }, target: "./svc+image", overrides: [{ name: "TAG", value: "a" }, { name: "TAG", value: "b" }, { name: "FLAG" }] }],
  ["DO --pass-args ./lib+GO_BUILD --OUT=bin", { kind: "DO", flags: { passArgs: true }, function: "./lib+GO_BUILD", overrides: [{ name: "OUT", value: "bin" }] }],
  ["IMPORT ./lib", { kind: "IMPORT", ref: "./lib" }],
  ["IMPORT --allow-privileged ../shared AS common", { flags: { allowPrivileged: true }, ref: "../shared", alias: "common" }],
  // others
  ["CACHE --sharing=shared --chmod 0777 --id=go --persist /go/pkg", { kind: "CACHE", flags: { sharing: "shared", chmod: "0777", id: "go", persist: true }, path: "/go/pkg" }],
  ["HOST db.internal 10.0.0.5", { kind: "HOST", hostname: "db.internal", ip: "10.0.0.5" }],
  ["GIT CLONE --branch v1.0 --keep-ts https://git.example/r.git src", { kind: "GIT_CLONE", flags: { branch: "v1.0", keepTs: true }, url: "https://git.example/r.git", dest: "src" }],
];

for (const [line, expected] of cases) {
  test(`reads ${line}`, () => {
    assertHas(plain(statementOf(line)), expected);
  });
}

test("a line continuation with comment lines inside joins into one command", () => {
  const run = statementOf("RUN echo a \\\n  # explained here\n  && echo b");
  assert.equal(run.kind, "RUN");
  // The recipe is indented 4 more blanks by parseRecipe: 1 + 6 blanks remain between the words.
  assert.equal((run as { text: string }).text, "echo a       && echo b");
});

test("args are the words after the keyword, with their exact positions", () => {
  const run = statementOf('RUN  echo "a b"');
  assert.equal(run.kind, "RUN");
  const word = run.kind === "RUN" ? run.args[1]! : undefined;
  // Ranges are read through their fields (the parser keeps them as offsets and makes points when read).
  assert.deepEqual(word && { text: word.text, range: { file: word.range.file, start: word.range.start, end: word.range.end } }, {
    text: '"a b"',
    range: { file: "Buildfile", start: { line: 4, column: 15, offset: 42 }, end: { line: 4, column: 20, offset: 47 } },
  });
});

test("override values keep the positions of their own text", () => {
  const build = statementOf("BUILD +t --A=xyz");
  assert.equal(build.kind, "BUILD");
  if (build.kind !== "BUILD") return;
  const value = build.overrides[0]!.value!;
  assert.equal(value.text, "xyz");
  assert.equal(value.range.start.column, 18);
  assert.equal(value.range.end.column, 21);
});

test("base recipe only: ARG --global and PROJECT", () => {
  const { buildfile, problems } = parseBuildfile("VERSION 0.8\nARG --global VERSION=1.2.3\nPROJECT org/app\n", "Buildfile");
  assert.deepEqual(problems, []);
  assertHas(plain(buildfile!.baseRecipe), [
    { kind: "ARG", flags: { global: true, required: false }, name: "VERSION", value: "1.2.3" },
    { kind: "PROJECT", project: "org/app" },
  ]);
});
