import { test } from "node:test";
import assert from "node:assert/strict";
import { builtinArgs, isBuiltinArg, Variables } from "../../src/planner/variables.js";

const builtins = builtinArgs({
  targetName: "build",
  targetRef: "+build",
  platform: "linux/arm64/v8",
  nativePlatform: "linux/amd64",
  userPlatform: "linux/amd64",
  push: false,
  ci: false,
  version: "0.1.0",
});
const at = (line: number) => ({ file: "Buildfile", line, column: 3 });
const vars = (overrides: Record<string, string> = {}, globals: Record<string, string> = {}) =>
  new Variables(new Map(Object.entries(overrides)), new Map(Object.entries(globals)), builtins);

test("an ARG takes the override, else the global, else its default", () => {
  const cases: Array<[Record<string, string>, Record<string, string>, string | undefined, string]> = [
    [{}, {}, "d", "d"],
    [{ V: "o" }, {}, "d", "o"],
    [{}, { V: "g" }, "d", "g"],
    [{ V: "o" }, { V: "g" }, "d", "o"],
    [{}, {}, undefined, ""],
  ];
  for (const [overrides, globals, defaultValue, expected] of cases) {
    assert.equal(vars(overrides, globals).declareArg({ name: "V", defaultValue, required: false, at: at(1) }), expected);
  }
});

test("ARG rules: required needs a value, no redeclaration, builtins without defaults", () => {
  assert.throws(() => vars().declareArg({ name: "R", defaultValue: undefined, required: true, at: at(2) }), /ARG R is required but no value was given/);
  assert.equal(vars({ R: "x" }).declareArg({ name: "R", defaultValue: undefined, required: true, at: at(2) }), "x");
  assert.throws(() => vars().declareArg({ name: "R", defaultValue: "d", required: true, at: at(2) }), /cannot have a default/);
  const v = vars();
  v.declareArg({ name: "A", defaultValue: "1", required: false, at: at(4) });
  assert.throws(() => v.declareArg({ name: "A", defaultValue: "2", required: false, at: at(6) }), /A is already declared at line 4/);
  assert.throws(() => vars().declareArg({ name: "EBUILD_TARGET", defaultValue: "x", required: false, at: at(1) }), /builtin arg EBUILD_TARGET cannot have a default/);
  assert.throws(() => vars().declareArg({ name: "EBUILD_NOPE", defaultValue: undefined, required: false, at: at(1) }), /not a builtin arg/);
});

test("builtins answer under both spellings and cannot be overridden", () => {
  const v = vars({ TARGETARCH: "evil", EARTHLY_TARGET_NAME: "evil" });
  assert.equal(v.declareArg({ name: "TARGETARCH", defaultValue: undefined, required: false, at: at(1) }), "arm64");
  assert.equal(v.declareArg({ name: "TARGETVARIANT", defaultValue: undefined, required: false, at: at(2) }), "v8");
  assert.equal(v.declareArg({ name: "EARTHLY_TARGET_NAME", defaultValue: undefined, required: false, at: at(3) }), "build");
  assert.equal(v.declareArg({ name: "EBUILD_TARGET", defaultValue: undefined, required: false, at: at(4) }), "+build");
  assert.deepEqual(["EBUILD_PUSH", "EARTHLY_CI", "NATIVEOS", "USERPLATFORM", "TARGET", "PLATFORM"].map(isBuiltinArg), [true, true, true, true, false, false]);
  assert.equal(v.lookup("NATIVEARCH"), undefined, "a builtin is visible only once declared");
});

test("git facts are builtins under both spellings, empty outside git; SOURCE_DATE_EPOCH is the commit time or 0", () => {
  const declare = (args: typeof builtins, name: string) =>
    new Variables(new Map(), new Map(), args).declareArg({ name, defaultValue: undefined, required: false, at: at(1) });
  assert.equal(declare(builtins, "EBUILD_GIT_HASH"), "");
  assert.equal(declare(builtins, "EARTHLY_GIT_CO_AUTHORS"), "");
  assert.equal(declare(builtins, "EBUILD_SOURCE_DATE_EPOCH"), "0");
  const inGit = builtinArgs({
    targetName: "build",
    targetRef: "+build",
    platform: "linux/amd64",
    nativePlatform: "linux/amd64",
    userPlatform: "linux/amd64",
    push: false,
    ci: false,
    version: "0.1.0",
    git: { HASH: "0123456789abcdef", SHORT_HASH: "01234567", BRANCH: "feature/x", COMMIT_TIMESTAMP: "1700000000", project: "github.com/org/repo/sub" },
  });
  assert.equal(declare(inGit, "EBUILD_TARGET_PROJECT"), "github.com/org/repo/sub:feature/x", "no tag on HEAD: the branch");
  assert.equal(declare(inGit, "EARTHLY_TARGET_PROJECT_NO_TAG"), "github.com/org/repo/sub");
  assert.equal(declare(inGit, "EBUILD_TARGET_TAG_DOCKER"), "feature_x");
  assert.equal(declare(builtins, "EBUILD_TARGET_TAG_DOCKER"), "latest", "outside git");
  assert.equal(declare(builtins, "EBUILD_TARGET_PROJECT"), "");
  assert.equal(declare(inGit, "EBUILD_GIT_HASH"), "0123456789abcdef");
  assert.equal(declare(inGit, "EARTHLY_GIT_SHORT_HASH"), "01234567");
  assert.equal(declare(inGit, "EARTHLY_GIT_BRANCH"), "feature/x");
  assert.equal(declare(inGit, "EBUILD_GIT_TAG"), "", "a fact git did not give is empty");
  assert.equal(declare(inGit, "EARTHLY_SOURCE_DATE_EPOCH"), "1700000000");
  assert.throws(() => declare(inGit, "EBUILD_GIT_NOPE"), /not a builtin arg/);
});

test("LET shadows, SET changes only LETs, ENV is looked up after args", () => {
  const v = vars({ A: "arg" });
  v.declareArg({ name: "A", defaultValue: undefined, required: false, at: at(1) });
  v.setEnv("A", "env");
  v.setEnv("E", "env");
  assert.equal(v.lookup("A"), "arg");
  assert.equal(v.lookup("E"), "env");
  v.let("A", "let", at(3));
  assert.equal(v.lookup("A"), "let");
  v.set("A", "set", at(4));
  assert.equal(v.lookup("A"), "set");
  assert.throws(() => v.let("A", "again", at(5)), /LET A is already declared at line 3/);
  assert.throws(() => v.set("E", "x", at(6)), /SET E: no LET E before it/);
});

test("RUN sees ARGs and LETs as prefixes; --pass-args forwards only the ARGs", () => {
  const v = vars({ B: "2" });
  v.declareArg({ name: "A", defaultValue: "1", required: false, at: at(1) });
  v.declareArg({ name: "B", defaultValue: undefined, required: false, at: at(2) });
  v.declareArg({ name: "TARGETOS", defaultValue: undefined, required: false, at: at(3) });
  v.let("L", "x", at(4));
  v.setEnv("E", "e");
  assert.deepEqual(v.runEnvironment(), [["A", "1"], ["B", "2"], ["TARGETOS", "linux"], ["L", "x"]]);
  assert.deepEqual(v.passArgs(), [["A", "1"], ["B", "2"]]);
  assert.deepEqual(v.receivedOverrides(), [["B", "2"]]);
});
