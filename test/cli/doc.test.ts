/**
 * `ebuild doc` through the real CLI process: documented targets only, the usage line with required
 * and optional ARGs, each section with its doc comments, and the failures a user can run into.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ebuild } from "./support/ebuild-process.js";

const lines = (...l: string[]) => `${l.join("\n")}\n`;

const siteUsage = "+site --version [--theme=light] [--baseUrl=/] [--lang] [--drafts]";
const siteSections = [
  "  REQUIRED ARGS:",
  "    --version",
  "  OPTIONAL ARGS:",
  "    --theme=light",
  "      theme is the site's colour scheme, shared by every target.",
  "    --baseUrl=/",
  "      baseUrl is where the site will be served from.",
  "    --lang",
  "      lang picks the content language.",
  "    --drafts",
  "  ARTIFACTS:",
  "    public/",
  "      public/ is the rendered site.",
  "    index.html",
  "  LOCAL ARTIFACTS:",
  "    site.tar.gz -> out/site.tar.gz",
  "      site.tar.gz is the archive attached to releases.",
  "    public/index.html -> out/index.html",
  "  IMAGES:",
  "    docs-site:latest, docs-site:$version",
  "      docs-site:latest is the image serving the pages.",
  "    preview",
];

const cases: Array<{ name: string; args: string[]; stdout: string }> = [
  {
    name: "lists documented targets with their usage and docs; undocumented ones are left out",
    args: ["doc", "fixtures/projects/docs-site"],
    stdout: lines(
      "TARGETS:",
      `  ${siteUsage}`,
      "      site renders the documentation into static HTML.",
      "  +check [--theme=light]",
      "      check validates links",
      "",
      "      It runs the link checker over every rendered page.",
    ),
  },
  {
    name: "+target shows the target's ARGs, artifacts and images with their doc comments",
    args: ["doc", "fixtures/projects/docs-site+site"],
    stdout: lines(siteUsage, "    site renders the documentation into static HTML.", ...siteSections, ""),
  },
  {
    name: "--long adds every target's sections",
    args: ["doc", "--long", "fixtures/projects/docs-site"],
    stdout: lines(
      "TARGETS:",
      `  ${siteUsage}`,
      "      site renders the documentation into static HTML.",
      ...siteSections.map((l) => `  ${l}`),
      "",
      "  +check [--theme=light]",
      "      check validates links",
      "",
      "      It runs the link checker over every rendered page.",
      "    OPTIONAL ARGS:",
      "      --theme=light",
      "        theme is the site's colour scheme, shared by every target.",
      "",
    ),
  },
  {
    name: "an Earthfile-only project; a comment naming another target documents nothing",
    args: ["doc", "fixtures/projects/earthly-app"],
    stdout: lines(
      "TARGETS:",
      "  +install [--node_version=20]",
      "      install fetches the JavaScript dependencies.",
      "  +vendor [--node_version=20]",
      "      vendor clones a pinned third-party theme.",
      "  +image [--node_version=20]",
      "      image builds from the legacy Dockerfile kept for the hosting provider.",
    ),
  },
];

for (const c of cases) {
  test(`ebuild doc ${c.name}`, () => {
    const r = ebuild(c.args);
    assert.equal(r.stderr, "");
    assert.equal(r.stdout, c.stdout);
    assert.equal(r.status, 0);
  });
}

test("ebuild doc shows documented functions under FUNCTIONS:", () => {
  const r = ebuild(["doc", "fixtures/projects/go-service"]);
  assert.equal(r.status, 0);
  assert.ok(
    r.stdout.endsWith(lines("FUNCTIONS:", "  +GO_BUILD --pkg [--out=bin/app]", "      GO_BUILD is kept here for targets that do not import the shared library.")),
    r.stdout,
  );
  assert.match(r.stdout, /^TARGETS:\n/);
  // +lint and +integration have no doc comment.
  assert.doesNotMatch(r.stdout, /\+lint|\+integration/);
  // +build declares TARGETOS and TARGETARCH to read them; a caller cannot set them.
  assert.match(r.stdout, /\n  \+build \[--GO_VERSION=1\.22\] \[--REGISTRY=localhost:5000\] \[--VERSION_TAG=\$\(cat VERSION 2>\/dev\/null \|\| echo dev\)\]\n/);
});

test("ebuild doc +target run inside the project's directory", () => {
  const r = ebuild(["doc", "+check"], new URL("../../fixtures/projects/docs-site", import.meta.url).pathname);
  assert.equal(r.stdout, lines("+check [--theme=light]", "    check validates links", "", "    It runs the link checker over every rendered page.", "  OPTIONAL ARGS:", "    --theme=light", "      theme is the site's colour scheme, shared by every target.", ""));
  assert.equal(r.status, 0);
});

const failures: Array<{ name: string; args: string[]; stderr: RegExp }> = [
  { name: "an undocumented target", args: ["doc", "fixtures/projects/earthly-app+undocumented"], stderr: /no doc comment found for \+undocumented[\s\S]*hint: add a comment starting with the word 'undocumented'/ },
  { name: "a target whose comment names something else", args: ["doc", "fixtures/projects/earthly-app+web"], stderr: /no doc comment found for \+web[\s\S]*first word is not 'web'/ },
  { name: "a target that does not exist", args: ["doc", "fixtures/projects/docs-site+nope"], stderr: /no target \+nope in fixtures\/projects\/docs-site\/Buildfile[\s\S]*\+site/ },
  { name: "a Buildfile with syntax errors", args: ["doc", "fixtures/projects/broken"], stderr: /fixtures\/projects\/broken\/Buildfile:5:5: / },
  { name: "a malformed reference", args: ["doc", "fixtures/projects/docs-site+"], stderr: /not a target reference/ },
];

for (const c of failures) {
  test(`ebuild doc on ${c.name} explains and exits 2`, () => {
    const r = ebuild(c.args);
    assert.match(r.stderr, c.stderr);
    assert.equal(r.stdout, "");
    assert.equal(r.status, 2);
  });
}
