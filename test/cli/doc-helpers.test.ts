/**
 * The small readings behind `ls` and `doc`, table-driven: how a reference splits, which comment
 * documents what, the name an artifact is saved under, the prefix `ls --long` prints.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { docsNaming, splitReference } from "../../src/cli/commands/doc.js";
import { referencePrefix } from "../../src/cli/commands/ls.js";
import { argsOf, artifactName, commentAbove, flatten, isBuiltinArg } from "../../src/cli/recipe-outline.js";
import { EbuildError } from "../../src/errors.js";
import { parseBuildfile, type SaveArtifactCommand } from "../../src/parser/index.js";

test("splitReference: DIR, DIR+target and +target", () => {
  const cases: Array<[string | undefined, { dir: string; target?: string }]> = [
    [undefined, { dir: "." }],
    ["", { dir: "." }],
    ["+build", { dir: ".", target: "build" }],
    ["./svc", { dir: "./svc" }],
    ["./svc+build", { dir: "./svc", target: "build" }],
    ["../a+b/c+GO_BUILD", { dir: "../a+b/c", target: "GO_BUILD" }],
  ];
  for (const [input, expected] of cases) assert.deepEqual(splitReference(input), expected, String(input));
});

test("splitReference rejects what cannot be a target name", () => {
  for (const input of ["./svc+", "+1abc", "+a/b"]) {
    assert.throws(() => splitReference(input), (e: unknown) => e instanceof EbuildError && e.kind === "usage", input);
  }
});

test("docsNaming: a comment documents only what its first word names", () => {
  const cases: Array<[string | undefined, string[], boolean]> = [
    ["build compiles it.", ["build"], true],
    ["build", ["build"], true],
    ["  build compiles it.", ["build"], true],
    ["builds it.", ["build"], false],
    ["This builds it.", ["build"], false],
    ["eggs is a name too.", ["bacon", "eggs"], true],
    [undefined, ["build"], false],
  ];
  for (const [docs, names, documents] of cases) assert.equal(docsNaming(docs, names) !== undefined, documents, `${docs} for ${names}`);
});

test("referencePrefix: what ls --long puts before +target", () => {
  const cases: Array<[string | undefined, string]> = [
    [undefined, ""],
    [".", ""],
    ["./", ""],
    ["svc", "./svc"],
    ["svc/", "./svc"],
    ["./svc", "./svc"],
    ["../svc", "../svc"],
    ["/abs/svc/", "/abs/svc"],
    ["svc/Buildfile", "./svc"],
    ["Earthfile", ""],
  ];
  for (const [dir, prefix] of cases) assert.equal(referencePrefix(dir), prefix, String(dir));
});

test("commentAbove: the comment block ending right above a line", () => {
  const text = ["x:", "    # first", "    #second", "    #", "    # fourth", "    SAVE IMAGE a", "", "    SAVE IMAGE b", "# c\r", "SAVE IMAGE c"].join("\n");
  assert.equal(commentAbove(text, 6), "first\nsecond\n\nfourth");
  assert.equal(commentAbove(text, 8), undefined);
  assert.equal(commentAbove(text, 10), "c");
  assert.equal(commentAbove(text, 1), undefined);
});

const recipe = `VERSION 0.8
t:
    ARG A=1
    IF true
        ARG B
        SAVE ARTIFACT out
    ELSE
        ARG A=2
    END
    TRY
        RUN x
    FINALLY
        SAVE ARTIFACT out/ ./ AS LOCAL o
    END
    SAVE ARTIFACT src dest
`;

test("flatten and argsOf reach into blocks; a name declared twice counts once", () => {
  const { buildfile, problems } = parseBuildfile(recipe, "Buildfile");
  assert.deepEqual(problems, []);
  const t = buildfile!.targets[0]!;
  assert.deepEqual(argsOf(t.recipe).map((a) => `${a.name.text}=${a.value?.text ?? ""}`), ["A=1", "B="]);
  const saves = flatten(t.recipe).filter((s): s is SaveArtifactCommand => s.kind === "SAVE_ARTIFACT");
  assert.deepEqual(saves.map(artifactName), ["out", "out/", "dest"]);
});

test("isBuiltinArg: the platform, EBUILD_* and EARTHLY_* names a caller cannot set", () => {
  for (const name of ["TARGETPLATFORM", "TARGETARCH", "NATIVEOS", "USERVARIANT", "EBUILD_GIT_HASH", "EARTHLY_TARGET_NAME"]) assert.ok(isBuiltinArg(name), name);
  for (const name of ["TARGET", "TARGETS", "PLATFORM", "MY_TARGETARCH", "GO_VERSION", "earthly_target"]) assert.ok(!isBuiltinArg(name), name);
});
