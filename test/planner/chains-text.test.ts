/**
 * The effect chains of issue 5 written as Buildfiles, read by the real parser: which SAVE
 * statements fire when the first target is invoked.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { plan, MemorySourceReader, parseForPlanning } from "../../src/planner/index.js";

async function fired(files: Record<string, string>, entry: string): Promise<string[]> {
  const reader = new MemorySourceReader(Object.fromEntries(Object.entries(files).map(([dir, text]) => [`${dir}/Buildfile`, `VERSION 0.8\n${text}`])));
  const { reach } = await plan({ entry: { directory: "/repo", name: entry }, platform: "linux/amd64", reader, parse: parseForPlanning });
  return reach.effects.verdicts.filter((v) => v.fires).map((v) => `${reach.graph.label(v.invocation)}: ${v.what}`).sort();
}

const from = "    FROM ebuild-fixture/busybox:latest\n";

const cases: Array<[string, Record<string, string>, string[]]> = [
  ["direct", { "/repo": `a:\n${from}    SAVE IMAGE a\n` }, ["+a: a"]],
  ["BUILD → BUILD", { "/repo": `a:\n    BUILD +b\nb:\n    BUILD +c\n${from}    SAVE IMAGE b\nc:\n${from}    SAVE IMAGE c\n` }, ["+b: b", "+c: c"]],
  ["BUILD → FROM", { "/repo": `a:\n    BUILD +b\nb:\n    FROM +c\n    SAVE IMAGE b\nc:\n${from}    SAVE IMAGE c\n` }, ["+b: b"]],
  ["FROM → BUILD", { "/repo": `a:\n    FROM +b\n    SAVE IMAGE a\nb:\n${from}    BUILD +c\n    SAVE IMAGE b\nc:\n${from}    SAVE IMAGE c\n` }, ["+a: a"]],
  [
    "COPY of an artifact, with overrides in parentheses",
    { "/repo": `a:\n${from}    COPY (+b/out --V=2) /in\nb:\n${from}    ARG V=1\n    RUN echo $V > /out\n    SAVE ARTIFACT /out AS LOCAL out\n    SAVE IMAGE b:$V\n` },
    [],
  ],
  ["reached by FROM and BUILD", { "/repo": `a:\n    FROM +b\n    BUILD +b\nb:\n${from}    SAVE IMAGE b\n` }, ["+b: b"]],
  [
    "a BUILD+FROM pair in a FUNCTION taking the target as an ARG, with --pass-args",
    {
      "/repo": `PAIR:\n    FUNCTION\n    ARG target\n    BUILD --pass-args $target\n    FROM --pass-args $target\na:\n    ARG TAG=7\n    DO --pass-args +PAIR --target=./img+image\n`,
      "/repo/img": `image:\n${from}    ARG TAG\n    SAVE IMAGE img:$TAG\n`,
    },
    ["./img+image --TAG=7 --target=./img+image: img:7"],
  ],
  ["matrix BUILDs", { "/repo": `a:\n    BUILD +b --V=1 --V=2\nb:\n${from}    ARG V\n    SAVE IMAGE b:$V\n` }, ["+b --V=1: b:1", "+b --V=2: b:2"]],
  ["ENV of a FROM target expands in the child", { "/repo": `a:\n    FROM +b\n    SAVE IMAGE a:$NAME\nb:\n${from}    ENV NAME=from-b\n` }, ["+a: a:from-b"]],
];

for (const [name, files, expected] of cases) {
  test(`Buildfile chains: ${name}`, async () => {
    assert.deepEqual(await fired(files, "a"), expected.sort());
  });
}

test("Buildfile chains: a FROM cycle is refused with its chain", async () => {
  await assert.rejects(fired({ "/repo": `a:\n    FROM +b\nb:\n    FROM +a\n` }, "a"), /target cycle: \+a → \+b → \+a/);
});

test("progress steps carry the command as written in the Buildfile", async () => {
  const reader = new MemorySourceReader({ "/repo/Buildfile": `VERSION 0.8\na:\n${from}    RUN echo "hi $USER"\n` });
  const { plan: p } = await plan({ entry: { directory: "/repo", name: "a" }, platform: "linux/amd64", reader, parse: parseForPlanning });
  assert.deepEqual([...(p.steps?.values() ?? [])].map((s) => `${s.target} | ${s.command} (${s.at?.line})`).sort(), [
    "+a | FROM ebuild-fixture/busybox:latest (3)",
    '+a | RUN echo "hi $USER" (4)',
  ]);
});
