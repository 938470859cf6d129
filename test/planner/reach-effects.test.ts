import { test } from "node:test";
import assert from "node:assert/strict";
import { ARG, BUILD, COPY, DO, FROM, RUN, SAVE_ARTIFACT, SAVE_IMAGE } from "./support/ast.js";
import { firing, reach } from "./support/reach.js";

type Files = Parameters<typeof reach>[0];

// The chains of issue 5: which SAVE statements fire when +a is invoked.
const cases: Array<{ name: string; files: Files; fires: string[] }> = [
  {
    name: "a target invoked directly saves its image and artifacts",
    files: { "/repo": { targets: { a: [FROM("busybox"), SAVE_ARTIFACT("out", "dist/out"), SAVE_IMAGE("app:a")] } } },
    fires: ["+a: app:a", "+a: dist/out"],
  },
  {
    name: "BUILD → BUILD: every target of the chain saves",
    files: { "/repo": { targets: { a: [BUILD("+b")], b: [BUILD("+c"), SAVE_IMAGE("img:b")], c: [SAVE_IMAGE("img:c")] } } },
    fires: ["+b: img:b", "+c: img:c"],
  },
  {
    name: "BUILD → FROM: the target used as a base does not save",
    files: { "/repo": { targets: { a: [BUILD("+b")], b: [FROM("+c"), SAVE_IMAGE("img:b")], c: [SAVE_IMAGE("img:c")] } } },
    fires: ["+b: img:b"],
  },
  {
    name: "FROM → BUILD: what the base target builds does not save either",
    files: { "/repo": { targets: { a: [FROM("+b"), SAVE_IMAGE("img:a")], b: [BUILD("+c"), SAVE_IMAGE("img:b")], c: [SAVE_IMAGE("img:c")] } } },
    fires: ["+a: img:a"],
  },
  {
    name: "COPY of an artifact: the target copied from does not save",
    files: { "/repo": { targets: { a: [COPY("+b/out", "/out")], b: [SAVE_ARTIFACT("out", "local-out"), SAVE_IMAGE("img:b")] } } },
    fires: [],
  },
  {
    name: "a target reached by both FROM and BUILD saves",
    files: { "/repo": { targets: { a: [FROM("+b"), BUILD("+b")], b: [SAVE_IMAGE("img:b")] } } },
    fires: ["+b: img:b"],
  },
  {
    name: "a BUILD+FROM pair in a FUNCTION taking the target as an ARG, forwarding --pass-args: the target saves once",
    files: {
      "/repo": {
        targets: { a: [ARG("V", "1"), DO("+BUILD_AND_USE", { passArgs: true, overrides: { target: "+docker" } })], docker: [ARG("V"), SAVE_IMAGE("img:$V")] },
        functions: { BUILD_AND_USE: [ARG("target"), ARG("V"), BUILD("$target", { passArgs: true }), FROM("$target", { passArgs: true })] },
      },
    },
    fires: ["+docker --V=1 --target=+docker: img:1"],
  },
  {
    name: "a FROM alone in a FUNCTION does not save the target",
    files: {
      "/repo": {
        targets: { a: [DO("+USE", { overrides: { target: "+docker" } })], docker: [SAVE_IMAGE("img")] },
        functions: { USE: [ARG("target"), FROM("$target")] },
      },
    },
    fires: [],
  },
  {
    name: "a function's own SAVE counts for the target that calls it",
    files: { "/repo": { targets: { a: [DO("+SAVE")], b: [DO("+SAVE")], c: [FROM("+b")] }, functions: { SAVE: [SAVE_ARTIFACT("x", "x")] } } },
    fires: ["+a: x"],
  },
  {
    name: "matrix BUILDs: one invocation, and one image, per value",
    files: { "/repo": { targets: { a: [BUILD("+b", { overrides: [["V", "1"], ["V", "2"]] })], b: [ARG("V"), SAVE_IMAGE("img:$V")] } } },
    fires: ["+b --V=1: img:1", "+b --V=2: img:2"],
  },
  {
    name: "RUN --push fires through BUILD like a SAVE",
    files: { "/repo": { targets: { a: [BUILD("+deploy"), FROM("+other")], deploy: [RUN("./deploy.sh", { push: true })], other: [RUN("./nope.sh", { push: true })] } } },
    fires: ["+deploy: ./deploy.sh"],
  },
  {
    name: "a target in another directory fires through BUILD",
    files: { "/repo": { targets: { a: [BUILD("./svc+img")] } }, "/repo/svc": { targets: { img: [SAVE_IMAGE("svc")] } } },
    fires: ["./svc+img: svc"],
  },
];

for (const c of cases) {
  test(`effects: ${c.name}`, async () => {
    assert.deepEqual(firing(await reach(c.files, "a")), c.fires.sort());
  });
}
