/**
 * Golden definitions: representative graphs dumped to fixtures/llb/<case>.json. The digests in
 * them pin the exact bytes, so any change to the wire form shows up in review. Regenerate with
 * UPDATE_GOLDEN=1 and read the diff.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  constantCopyTime,
  dumpDefinition,
  git,
  http,
  image,
  local,
  marshal,
  merge,
  mkdir,
  SourceMap,
  type State,
} from "../../../src/planner/llb/index.js";

const buildfile = new SourceMap(
  "Buildfile",
  "VERSION 0.8\nFROM ebuild-fixture/busybox:latest\nbuild:\n    COPY src .\n    RUN --mount=type=cache,target=/cache make\n",
  "Buildfile",
);
const line = (n: number, from: number, to: number) => ({ start: { line: n, character: from }, end: { line: n, character: to } });

function target(): State {
  const base = image("ebuild-fixture/busybox:latest", { location: buildfile.at(line(2, 0, 34)) })
    .env("PATH", "/bin")
    .dir("/work");
  const context = local("context", { includePatterns: ["src"], uniqueId: "ctx-1", sharedKeyHint: "context" });
  return base
    .file(
      mkdir("/work", 0o755, { parents: true }).copy(context, "src", ".", {
        copyDirContentsOnly: true,
        createDestPath: true,
        allowWildcard: true,
        followSymlinks: true,
        timestamp: constantCopyTime,
      }),
      { description: "+build COPY src .", location: buildfile.at(line(4, 4, 14)) },
    )
    .run({
      args: "make",
      mounts: [{ type: "cache", target: "/cache", id: "build-cache", sharing: "locked" }],
      description: "+build RUN make",
      location: buildfile.at(line(5, 4, 44)),
    })
    .root();
}

const cases: Record<string, () => State> = {
  "build-target": target,
  "sources-merged": () =>
    merge([
      git("https://git.example.test/org/repo.git", "main", { keepGitDir: true }),
      http("http://127.0.0.1:8080/tool", { filename: "tool", chmod: 0o755 }),
      image("ebuild-fixture/busybox:latest", { platform: { os: "linux", architecture: "arm64" } }),
    ]),
};

const dir = fileURLToPath(new URL("../../../fixtures/llb/", import.meta.url));

for (const [name, build] of Object.entries(cases)) {
  test(`golden definition: ${name}`, () => {
    const text = JSON.stringify(dumpDefinition(marshal(build()).definition), null, 2) + "\n";
    const file = `${dir}${name}.json`;
    if (process.env["UPDATE_GOLDEN"] === "1") writeFileSync(file, text);
    assert.equal(text, readFileSync(file, "utf8"), `${file} differs (UPDATE_GOLDEN=1 rewrites it)`);
  });
}
