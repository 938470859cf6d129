import { test } from "node:test";
import assert from "node:assert/strict";
import { git, http, image, local, type State } from "../../../src/planner/llb/index.js";
import { decode } from "./decode.js";

interface Case {
  name: string;
  state: State;
  identifier: string;
  attrs: Record<string, string>;
  caps: string[];
  platform: boolean;
}

const cases: Case[] = [
  {
    name: "image with a short name",
    state: image("busybox"),
    identifier: "docker-image://docker.io/library/busybox:latest",
    attrs: {},
    caps: ["source.image"],
    platform: true,
  },
  {
    name: "image always pulled",
    state: image("localhost:5000/app:v1", { resolveMode: "pull" }),
    identifier: "docker-image://localhost:5000/app:v1",
    attrs: { "image.resolvemode": "pull" },
    caps: ["source.image", "source.image.resolvemode"],
    platform: true,
  },
  {
    name: "image preferring the local store",
    state: image("ebuild-fixture/busybox:latest", { resolveMode: "local" }),
    identifier: "docker-image://docker.io/ebuild-fixture/busybox:latest",
    attrs: { "image.resolvemode": "local" },
    caps: ["source.image"],
    platform: true,
  },
  {
    name: "local directory with patterns",
    state: local("context", {
      includePatterns: ["src/**", "go.mod"],
      excludePatterns: ["**/*.tmp"],
      followPaths: ["src"],
      sharedKeyHint: "ctx",
      uniqueId: "u1",
    }),
    identifier: "local://context",
    attrs: {
      "local.excludepatterns": '["**/*.tmp"]',
      "local.followpaths": '["src"]',
      "local.includepattern": '["src/**","go.mod"]',
      "local.sharedkeyhint": "ctx",
      "local.unique": "u1",
    },
    caps: [
      "source.local",
      "source.local.excludepatterns",
      "source.local.followpaths",
      "source.local.includepatterns",
      "source.local.sharedkeyhint",
      "source.local.unique",
    ],
    platform: false,
  },
  {
    name: "local directory of another session",
    state: local("out", { sessionId: "s1" }),
    identifier: "local://out",
    attrs: { "local.session": "s1" },
    caps: ["source.local", "source.local.sessionid"],
    platform: false,
  },
  {
    name: "git over https keeping .git",
    state: git("https://git.example.test/org/repo.git", "v1.2", { keepGitDir: true }),
    identifier: "git://git.example.test/org/repo.git#v1.2",
    attrs: {
      "git.authheadersecret": "GIT_AUTH_HEADER",
      "git.authtokensecret": "GIT_AUTH_TOKEN",
      "git.fullurl": "https://git.example.test/org/repo.git",
      "git.keepgitdir": "true",
    },
    caps: ["source.git", "source.git.fullurl", "source.git.keepgitdir"],
    platform: false,
  },
  {
    name: "git without a scheme gets https",
    state: git("git.example.test/org/repo", ""),
    identifier: "git://git.example.test/org/repo",
    attrs: {
      "git.authheadersecret": "GIT_AUTH_HEADER",
      "git.authtokensecret": "GIT_AUTH_TOKEN",
      "git.fullurl": "https://git.example.test/org/repo",
    },
    caps: ["source.git", "source.git.fullurl"],
    platform: false,
  },
  {
    name: "http file with checksum and mode",
    state: http("http://127.0.0.1:8080/tool.tgz", {
      checksum: `sha256:${"c".repeat(64)}`,
      filename: "tool.tgz",
      chmod: 0o755,
    }),
    identifier: "http://127.0.0.1:8080/tool.tgz",
    attrs: { "http.checksum": `sha256:${"c".repeat(64)}`, "http.filename": "tool.tgz", "http.perm": "0755" },
    caps: ["source.http", "source.http.checksum", "source.http.perm"],
    platform: false,
  },
];

for (const c of cases) {
  test(`source: ${c.name}`, () => {
    const d = decode(c.state);
    assert.equal(d.ops.length, 2, "the source and the terminal op");
    assert.equal(d.root.op.case, "source");
    const source = d.root.op.value as { identifier: string; attrs: Record<string, string> };
    assert.equal(source.identifier, c.identifier);
    assert.deepEqual({ ...source.attrs }, c.attrs);
    assert.deepEqual(Object.keys(d.rootMetadata.caps).sort(), c.caps.sort());
    assert.equal(d.root.platform !== undefined, c.platform, "only images are platform specific");
  });
}

test("an image's platform goes on its op and on the state", () => {
  const arm = { os: "linux", architecture: "arm", variant: "v7" };
  const d = decode(image("busybox", { platform: arm }));
  assert.equal(d.root.platform?.architecture, "arm");
  assert.equal(d.root.platform?.variant, "v7");
  assert.equal(d.root.platform?.os, "linux");
});

test("a git URL that does not parse is an EbuildError, not a TypeError from URL", () => {
  for (const url of ["htt:ps-ish/repo", "https\uFFFD-ish/repo"]) {
    assert.throws(() => git(url, ""), (error: Error & { kind?: string }) => error.name === "EbuildError" && error.kind === "semantic" && error.message === `invalid git URL "${url}"`);
  }
});
