import { test } from "node:test";
import assert from "node:assert/strict";
import { rules } from "../../src/lint/index.js";
import { lintLines, where } from "./support.js";

/**
 * One positive and one negative Buildfile per rule: `bad` must give exactly `expect` (line:col of
 * each finding of that rule), `good` must give none of that rule.
 */
const cases: Array<{ rule: string; name: string; bad: string[]; expect: string[]; good: string[] }> = [
  {
    rule: "undeclared-variable",
    name: "a $NAME outside RUN that nothing declares",
    bad: ["VERSION 0.8", "app:", "    FROM busybox", "    ARG TAG=1", "    SAVE IMAGE app:$TGA"],
    expect: ["5:20"],
    good: ["VERSION 0.8", "ARG --global REG=r", "ENV BASE=/b", "app:", "    FROM busybox", "    ARG TAG=1", "    LET dir=out", "    ARG EARTHLY_GIT_HASH", "    RUN echo $NOT_CHECKED_IN_RUN", "    SAVE ARTIFACT $BASE/$dir/x AS LOCAL '$literal'", "    SAVE IMAGE $REG/app:${TAG}-$EARTHLY_GIT_HASH"],
  },
  {
    rule: "undeclared-variable",
    name: "a builtin arg used before its ARG",
    bad: ["VERSION 0.8", "app:", "    FROM busybox", "    SAVE IMAGE app:$EARTHLY_GIT_SHORT_HASH", "    ARG EARTHLY_GIT_SHORT_HASH"],
    expect: ["4:20"],
    good: ["VERSION 0.8", "app:", "    FROM busybox", "    ARG EARTHLY_GIT_SHORT_HASH", "    SAVE IMAGE app:$EARTHLY_GIT_SHORT_HASH"],
  },
  {
    rule: "unused-arg",
    name: "an ARG nothing reads",
    bad: ["VERSION 0.8", "ARG --global UNUSED=1", "app:", "    FROM busybox", "    ARG MODE=dev", "    RUN echo hi", "    SAVE IMAGE app:$UNUSED_NOT"],
    expect: ["2:14", "5:9"],
    good: ["VERSION 0.8", "ARG --global G=1", "app:", "    FROM busybox", "    ARG MODE=dev", "    RUN make MODE=$MODE", "other:", "    FROM busybox", "    ARG X", "    BUILD --pass-args +app", "    SAVE IMAGE a:$G"],
  },
  {
    rule: "uncalled-function",
    name: "a FUNCTION no DO calls",
    bad: ["VERSION 0.8", "app:", "    FROM busybox", "    DO +USED", "USED:", "    FUNCTION", "    RUN echo", "UNUSED:", "    FUNCTION", "    RUN echo"],
    expect: ["8:1"],
    good: ["VERSION 0.8", "app:", "    FROM busybox", "    DO +USED", "USED:", "    FUNCTION", "    DO +INNER", "INNER:", "    FUNCTION", "    RUN echo"],
  },
  {
    rule: "uncalled-function",
    name: "a file of functions only is a library",
    bad: ["VERSION 0.8", "t:", "    FROM busybox", "LIB:", "    FUNCTION", "    RUN echo"],
    expect: ["4:1"],
    good: ["VERSION 0.8", "LIB:", "    FUNCTION", "    RUN echo"],
  },
  {
    rule: "duplicate-image-name",
    name: "one image name saved twice",
    bad: ["VERSION 0.8", "a:", "    FROM busybox", "    SAVE IMAGE app:latest", "b:", "    FROM busybox", "    SAVE IMAGE other app:latest"],
    expect: ["7:22"],
    good: ["VERSION 0.8", "a:", "    FROM busybox", "    ARG TAG", "    IF [ -f x ]", "        SAVE IMAGE app:latest", "    ELSE", "        SAVE IMAGE app:latest", "    END", "    SAVE IMAGE app:$TAG", "b:", "    FROM busybox", "    ARG TAG", "    SAVE IMAGE app:$TAG app:b"],
  },
  {
    rule: "save-never-fires",
    name: "a target reached only through FROM and COPY",
    bad: ["VERSION 0.8", "build:", "    FROM busybox", "    SAVE ARTIFACT /bin/sh AS LOCAL out/sh", "    SAVE IMAGE app:dev", "test:", "    FROM +build", "    COPY +build/sh /x"],
    expect: ["4:5"],
    good: ["VERSION 0.8", "build:", "    FROM busybox", "    SAVE ARTIFACT /bin/sh AS LOCAL out/sh", "test:", "    FROM +build", "all:", "    BUILD ./+build", "    BUILD +test", "db:", "    FROM busybox", "    SAVE IMAGE db:1", "it:", "    FROM busybox", "    WITH DOCKER --load +db", "        RUN true", "    END"],
  },
  {
    rule: "secret-in-arg",
    name: "credentials passed as build args",
    bad: ["VERSION 0.8", "ARG --global NPM_TOKEN", "app:", "    FROM busybox", "    ARG db_password=x", "    ARG apiKey", "    RUN true"],
    expect: ["2:14", "5:9", "6:9"],
    good: ["VERSION 0.8", "app:", "    FROM busybox", "    ARG KEYRING_DIR=/k", "    ARG PUBLIC_KEY", "    ARG SSH_KEY_FILE", "    ARG TOKENIZER", "    RUN --secret NPM_TOKEN=npm-token npm publish"],
  },
  {
    rule: "copy-context-before-install",
    name: "the whole context copied before npm ci",
    bad: ["VERSION 0.8", "deps:", "    FROM busybox", "    COPY . .", "    RUN echo before", "    RUN npm ci && npm run build"],
    expect: ["4:5"],
    good: ["VERSION 0.8", "deps:", "    FROM busybox", "    COPY package.json package-lock.json ./", "    RUN npm ci", "    COPY . .", "    RUN npm run build", "other:", "    FROM busybox", "    COPY +deps/. .", "    RUN go mod download"],
  },
  {
    rule: "apt-get-update-alone",
    name: "apt-get update in a RUN of its own",
    bad: ["VERSION 0.8", "a:", "    FROM busybox", "    RUN apt-get update", "    RUN apt-get install -y curl"],
    expect: ["4:5"],
    good: ["VERSION 0.8", "a:", "    FROM busybox", "    RUN apt-get update && \\", "        apt-get install -y --no-install-recommends curl", "    RUN apt -q update && apt -y upgrade"],
  },
  {
    rule: "run-cd",
    name: "RUN cd instead of WORKDIR",
    bad: ["VERSION 0.8", "a:", "    FROM busybox", "    RUN cd /src && make", "    RUN --mount=type=cache,target=/c cd /c; ls"],
    expect: ["4:9", "5:38"],
    good: ["VERSION 0.8", "a:", "    FROM busybox", "    WORKDIR /src", "    RUN make", "    RUN (cd sub && make) && make install", "    RUN echo cd /x"],
  },
  {
    rule: "missing-version",
    name: "a file without VERSION",
    bad: ["a:", "    FROM busybox"],
    expect: ["1:1"],
    good: ["VERSION 0.8", "a:", "    FROM busybox"],
  },
  {
    rule: "deprecated-command-keyword",
    name: "a function declared with COMMAND",
    bad: ["VERSION 0.7", "a:", "    FROM busybox", "    DO +SAY", "SAY:", "", "    COMMAND", "    RUN echo"],
    expect: ["7:5"],
    good: ["VERSION 0.8", "a:", "    FROM busybox", "    DO +SAY", "SAY:", "    FUNCTION", "    RUN echo"],
  },
  {
    rule: "deprecated-build-arg",
    name: "--build-arg instead of --NAME=value",
    bad: ["VERSION 0.8", "a:", "    FROM --build-arg V=1 +b", "    BUILD --build-arg W=2 +b", "b:", "    FROM busybox", "    ARG V", "    ARG W", "    RUN echo $V $W"],
    expect: ["3:10", "4:11"],
    good: ["VERSION 0.8", "a:", "    FROM +b --V=1", "    BUILD +b --W=2", "d:", "    FROM DOCKERFILE --build-arg V=1 .", "b:", "    FROM busybox", "    ARG V", "    ARG W", "    RUN echo $V $W"],
  },
];

for (const c of cases) {
  test(`${c.rule}: ${c.name}`, () => {
    assert.deepEqual(where(lintLines(c.bad), c.rule), c.expect.map((e) => `${e} ${c.rule}`), "the bad Buildfile");
    assert.deepEqual(where(lintLines(c.good), c.rule), [], "the good Buildfile");
  });
}

test("every rule has a positive and a negative case above, and a doc", () => {
  for (const rule of rules) {
    assert.ok(cases.some((c) => c.rule === rule.id), `no case for ${rule.id}`);
    assert.ok(rule.doc.length > 40 && rule.description.length > 10, `${rule.id} needs a description and a doc`);
    assert.match(rule.id, /^[a-z]+(-[a-z]+)*$/);
  }
  assert.equal(new Set(rules.map((r) => r.id)).size, rules.length, "ids are unique");
});

test("every finding carries a message and a fix hint", () => {
  for (const c of cases) {
    for (const f of lintLines(c.bad)) {
      assert.ok(f.message.length > 0 && f.hint.length > 0, `${f.ruleId} at ${f.range.start.line}`);
      assert.ok(f.level === "error" || f.level === "warning");
    }
  }
});

test("duplicate-image-name: a SAVE IMAGE inside FOR counts once, and clashes with another", () => {
  const lines = ["VERSION 0.8", "a:", "    FROM busybox", "    FOR v IN 1 2", "        SAVE IMAGE app:latest", "    END"];
  assert.deepEqual(where(lintLines(lines), "duplicate-image-name"), []);
  assert.deepEqual(where(lintLines([...lines, "    SAVE IMAGE app:latest"]), "duplicate-image-name"), ["7:16 duplicate-image-name"]);
});
