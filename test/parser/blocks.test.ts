/** The blocks: IF/ELSE IF/ELSE, FOR ... IN, WAIT, TRY/CATCH/FINALLY, WITH DOCKER, nested and closed by END. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { plain, statementOf } from "./support.js";

test("IF with ELSE IF and ELSE arms, each with its own flags and body", () => {
  const s = statementOf("IF --privileged --mount=type=cache,target=/c [ -f a ]\n    RUN a\nELSE IF --ssh --secret=S test -f b\n    RUN b\n    RUN b2\nELSE\n    RUN c\nEND");
  assert.deepEqual(plain(s), {
    kind: "IF",
    branches: [
      {
        flags: { privileged: true, ssh: false, noCache: false, secrets: [], mounts: [{ spec: "type=cache,target=/c", options: [{ key: "type", value: "cache" }, { key: "target", value: "/c" }], type: "cache" }] },
        condition: { form: "shell", command: ["[", "-f", "a", "]"], text: "[ -f a ]" },
        body: [plain(statementOf("RUN a"))],
      },
      {
        flags: { privileged: false, ssh: true, noCache: false, secrets: ["S"], mounts: [] },
        condition: { form: "shell", command: ["test", "-f", "b"], text: "test -f b" },
        body: [plain(statementOf("RUN b")), plain(statementOf("RUN b2"))],
      },
    ],
    elseBody: [plain(statementOf("RUN c"))],
  });
});

test("FOR with --sep and exec flags, a variable and the words after IN", () => {
  const s = statementOf('FOR --sep=", " --no-cache f IN $(ls) extra\n    RUN echo $f\nEND');
  assert.equal(s.kind, "FOR");
  if (s.kind !== "FOR") return;
  assert.equal(s.flags.sep?.text, '", "');
  assert.equal(s.flags.noCache, true);
  assert.equal(s.variable.text, "f");
  assert.deepEqual(s.expression.map((w) => w.text), ["$(ls)", "extra"]);
  assert.equal(s.body.length, 1);
});

test("WAIT holds any statements, blocks included", () => {
  const s = statementOf("WAIT\n    BUILD +a\n    IF true\n        BUILD +b\n    END\nEND");
  assert.equal(s.kind, "WAIT");
  if (s.kind !== "WAIT") return;
  assert.deepEqual(s.body.map((b) => b.kind), ["BUILD", "IF"]);
});

test("TRY with CATCH and FINALLY", () => {
  const s = statementOf("TRY\n    RUN make test\nCATCH\n    RUN echo failed\nFINALLY\n    SAVE ARTIFACT out.xml AS LOCAL out.xml\nEND");
  assert.equal(s.kind, "TRY");
  if (s.kind !== "TRY") return;
  assert.deepEqual([s.body.map((x) => x.kind), s.catchBody?.map((x) => x.kind), s.finallyBody?.map((x) => x.kind)], [["RUN"], ["RUN"], ["SAVE_ARTIFACT"]]);
});

test("WITH DOCKER with every flag; --load in its three forms", () => {
  const s = statementOf(
    "WITH DOCKER --pull a:1 --pull b:2 --load +img --load name:tag=+other --load (+p --X=1 --Y=2) --compose c.yml --service web --platform linux/amd64 --allow-privileged --pass-args --cache-id=dc --build-arg K=v\n    RUN docker run a:1\nEND",
  );
  assert.deepEqual(plain(s), {
    kind: "WITH_DOCKER",
    flags: {
      pulls: ["a:1", "b:2"],
      loads: [
        { target: "+img", overrides: [] },
        { target: "+other", overrides: [], image: "name:tag" },
        { target: "+p", overrides: [{ name: "X", value: "1" }, { name: "Y", value: "2" }] },
      ],
      composes: ["c.yml"],
      services: ["web"],
      allowPrivileged: true,
      passArgs: true,
      buildArgs: ["K=v"],
      platform: "linux/amd64",
      cacheId: "dc",
    },
    body: [plain(statementOf("RUN docker run a:1"))],
  });
});

test("blocks nest, and each END closes the innermost block", () => {
  const s = statementOf("FOR a IN 1 2\n    FOR b IN 3 4\n        IF true\n            RUN x\n        END\n    END\n    RUN y\nEND");
  assert.equal(s.kind, "FOR");
  if (s.kind !== "FOR") return;
  assert.deepEqual(s.body.map((x) => x.kind), ["FOR", "RUN"]);
});
