/**
 * Remote (git) references, planned with a fake checkout server: resolution, relative references
 * that stay in the remote at its ref, planning once, reading each remote Buildfile once, the git
 * checkout as COPY's context, clone URLs and their rewrites, and errors that point at the reference.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { EbuildError } from "../../src/errors.js";
import { plan, type PlanRequest } from "../../src/planner/assemble.js";
import type { GitFiles } from "../../src/planner/engine.js";
import { parseForPlanning } from "../../src/planner/parse.js";
import { cloneUrl, parseUrlInsteadOf, rewriteGitUrl, type GitCheckout } from "../../src/planner/remote.js";
import { MemorySourceReader } from "../../src/planner/source.js";
import { opsOf } from "./support/plan.js";

/** Serves files of checkouts by `url@ref` ("" ref: the default branch); records every read. */
class FakeGitServer implements GitFiles {
  readonly reads: string[] = [];
  constructor(private readonly repositories: Record<string, Record<string, string>>, private readonly failure?: EbuildError) {}

  async readGitFile(checkout: GitCheckout, path: string): Promise<string | undefined> {
    this.reads.push(`${checkout.url}@${checkout.ref}:${path}`);
    if (this.failure) throw this.failure;
    const files = this.repositories[`${checkout.url}@${checkout.ref}`];
    if (files === undefined) throw new EbuildError("build", `failed to load cache key: repository does not contain ref ${checkout.ref}`);
    return files[path];
  }
}

const url = "https://example.test/org/repo.git";
const remoteBuildfile = `VERSION 0.8
remote:
    FROM ebuild-fixture/busybox:latest
    COPY version.txt /v.txt
    SAVE ARTIFACT /v.txt AS LOCAL remote-out/version.txt
    SAVE IMAGE remote-image:latest
lib:
    FROM ebuild-fixture/busybox:latest
    COPY version.txt /lib/
    SAVE ARTIFACT /lib/version.txt
relative:
    FROM ebuild-fixture/busybox:latest
    COPY ./sub+inner/inner.txt /
    COPY +lib/version.txt /
    SAVE ARTIFACT /inner.txt
escape:
    BUILD ../x+t
COPY_VERSION:
    FUNCTION
    COPY version.txt /fn-version.txt
`;
const subBuildfile = `VERSION 0.8
inner:
    FROM ebuild-fixture/busybox:latest
    COPY inner.txt /
    SAVE ARTIFACT /inner.txt
`;
const server = () =>
  new FakeGitServer({
    [`${url}@v1`]: { Buildfile: remoteBuildfile, "sub/Buildfile": subBuildfile },
    [`${url}@v2`]: { Buildfile: remoteBuildfile, "sub/Buildfile": subBuildfile },
  });

function planLocal(buildfile: string, entry: string, options: Partial<PlanRequest> = {}) {
  return plan({
    entry: { directory: "/repo", name: entry },
    platform: "linux/amd64",
    reader: new MemorySourceReader({ "/repo/Buildfile": buildfile }),
    parse: parseForPlanning,
    ...options,
  });
}

const sourcesOf = (definition: Uint8Array) =>
  opsOf(definition)
    .map((o) => o.op["source"] as { identifier: string; attrs?: Record<string, string> } | undefined)
    .filter((s) => s !== undefined);

test("BUILD of a remote target plans it from its Buildfile; its effects fire and AS LOCAL writes to the entry's directory", async () => {
  const git = server();
  const { plan: planned, reach } = await planLocal(`VERSION 0.8\nall:\n    BUILD example.test/org/repo:v1+remote\n`, "all", { gitFiles: git });
  assert.deepEqual(reach.targets.map((t) => t.label), ["+all", "example.test/org/repo:v1+remote"]);
  const remote = reach.targets[1]!;
  assert.deepEqual(remote.checkout, { url, ref: "v1" });
  assert.deepEqual(remote.at, { file: "example.test/org/repo:v1/Buildfile", line: 2, column: 1 });
  const artifact = planned.outputs.find((o) => o.kind === "artifact");
  assert.ok(artifact?.kind === "artifact");
  assert.deepEqual([artifact.baseDir, artifact.destination], ["/repo", "remote-out/version.txt"]);
  assert.deepEqual(planned.outputs.filter((o) => o.kind === "image").map((o) => o.kind === "image" && o.names), [["remote-image:latest"]]);
  // COPY in the remote target copies from the checkout; nothing of the local project travels.
  assert.deepEqual(planned.contexts, []);
  const run = planned.outputs.find((o) => o.kind === "run" && o.target === "example.test/org/repo:v1+remote")!;
  const git1 = sourcesOf(run.definition).find((s) => s.identifier.startsWith("git://"));
  assert.equal(git1?.identifier, "git://example.test/org/repo.git#v1");
  assert.equal(git1?.attrs?.["git.fullurl"], url);
  assert.ok(!sourcesOf(run.definition).some((s) => s.identifier.startsWith("local://")));
  const copy = opsOf(run.definition).map((o) => o.op["file"] as { actions: Array<{ copy?: { src: string } }> } | undefined).find((f) => f?.actions[0]?.copy);
  assert.equal(copy?.actions[0]?.copy?.src, "/version.txt");
  // The source map names the remote Buildfile as it is referenced.
  assert.ok(opsOf(run.definition).some((o) => o.locations?.some((l) => l.startsWith("example.test/org/repo:v1/Buildfile:4:"))));
});

test("a remote target reached only through FROM or COPY saves nothing, and says so", async () => {
  const { plan: planned } = await planLocal(`VERSION 0.8\nall:\n    FROM example.test/org/repo:v1+remote\n    COPY example.test/org/repo:v1+lib/version.txt /\n`, "all", { gitFiles: server() });
  assert.deepEqual(planned.outputs.map((o) => o.kind), ["run"]);
  assert.deepEqual(planned.skipped.map((s) => `${s.target}: ${s.what}`).sort(), ["example.test/org/repo:v1+remote: remote-image:latest", "example.test/org/repo:v1+remote: remote-out/version.txt"]);
  assert.match(planned.skipped[0]!.reason, /reached only through FROM from \+all at Buildfile:3/);
});

test("relative references in a remote Buildfile stay in that repository at the same ref", async () => {
  const git = server();
  const { reach, plan: planned } = await planLocal(`VERSION 0.8\nall:\n    BUILD example.test/org/repo:v2+relative\n`, "all", { gitFiles: git });
  assert.deepEqual(reach.targets.map((t) => t.label), ["+all", "example.test/org/repo:v2+relative", "example.test/org/repo/sub:v2+inner", "example.test/org/repo:v2+lib"]);
  assert.deepEqual(reach.targets.slice(1).map((t) => t.checkout?.ref), ["v2", "v2", "v2"]);
  // The inner target's COPY (an ancestor of the relative target's) reads sub/ of the same checkout.
  const relative = planned.outputs.find((o) => o.target === "example.test/org/repo:v2+relative")!;
  const copies = opsOf(relative.definition).flatMap((o) => (o.op["file"] as { actions: Array<{ copy?: { src: string } }> } | undefined)?.actions ?? []);
  assert.ok(copies.some((a) => a.copy?.src === "/sub/inner.txt"), JSON.stringify(copies));
  assert.deepEqual(new Set(sourcesOf(relative.definition).map((s) => s.identifier).filter((id) => id.startsWith("git://"))), new Set(["git://example.test/org/repo.git#v2"]));
});

test("identical remote invocations are planned once and each remote Buildfile is read once per repository, ref and path", async () => {
  const git = server();
  const buildfile = `VERSION 0.8
IMPORT example.test/org/repo:v1
IMPORT example.test/org/repo:v2 AS two
all:
    BUILD example.test/org/repo:v1+lib
    BUILD repo+lib
    BUILD +copier
    BUILD two+lib
copier:
    FROM ebuild-fixture/busybox:latest
    COPY repo+lib/version.txt /
    COPY (two+lib/version.txt) /two.txt
`;
  const { reach } = await planLocal(buildfile, "all", { gitFiles: git });
  assert.deepEqual(reach.targets.map((t) => t.label), ["+all", "example.test/org/repo:v1+lib", "+copier", "example.test/org/repo:v2+lib"]);
  assert.deepEqual(git.reads, [`${url}@v1:Buildfile`, `${url}@v2:Buildfile`]);
});

test("a remote function runs in the caller: its COPY reads the caller's context", async () => {
  const { plan: planned, reach } = await planLocal(`VERSION 0.8\nall:\n    FROM ebuild-fixture/busybox:latest\n    DO example.test/org/repo:v1+COPY_VERSION\n`, "all", { gitFiles: server() });
  assert.deepEqual(reach.graph.edges.map((e) => `${e.kind} ${reach.graph.label(e.to)}`), ["DO example.test/org/repo:v1+COPY_VERSION"]);
  assert.deepEqual(planned.contexts, [{ name: "context", dir: "/repo" }]);
  const local = sourcesOf(planned.outputs[0]!.definition).find((s) => s.identifier === "local://context");
  assert.equal(local?.attrs?.["local.includepattern"], JSON.stringify(["version.txt"]));
});

test("different tags are different checkouts", async () => {
  const { plan: planned } = await planLocal(`VERSION 0.8\nall:\n    BUILD example.test/org/repo:v1+lib\n    BUILD example.test/org/repo:v2+lib\n`, "all", { gitFiles: server() });
  const ids = planned.outputs.flatMap((o) => sourcesOf(o.definition).map((s) => s.identifier)).filter((id) => id.startsWith("git://"));
  assert.deepEqual([...new Set(ids)].sort(), ["git://example.test/org/repo.git#v1", "git://example.test/org/repo.git#v2"]);
});

test("the URL rewrite setting decides where repositories are cloned from", async () => {
  const git = new FakeGitServer({ "git://127.0.0.1:9418/org/repo.git@v1": { Buildfile: remoteBuildfile } });
  const { reach } = await planLocal(`VERSION 0.8\nall:\n    BUILD example.test/org/repo:v1+lib\n`, "all", {
    gitFiles: git,
    git: { urlInsteadOf: parseUrlInsteadOf("git://127.0.0.1:9418/=example.test/", "EBUILD_GIT_URL_INSTEAD_OF") },
  });
  assert.deepEqual(reach.targets[1]!.checkout, { url: "git://127.0.0.1:9418/org/repo.git", ref: "v1" });
});

test("clone URLs: https://host/path.git by default; the longest matching rewrite wins, with or without a scheme", () => {
  const rules = parseUrlInsteadOf("git://mirror/=example.test/, git://team/=example.test/team/ ,ssh://git@other/=https://other.test/", "X");
  const cases: Array<[string, string]> = [
    ["github.com/org/repo", "https://github.com/org/repo.git"],
    ["git.example.test/group/team/repo.git", "https://git.example.test/group/team/repo.git"],
    ["example.test/org/repo", "git://mirror/org/repo.git"],
    ["example.test/team/repo", "git://team/repo.git"],
    ["other.test/a/b", "ssh://git@other/a/b.git"],
  ];
  for (const [repository, expected] of cases) assert.equal(cloneUrl(repository, { urlInsteadOf: rules }), expected, repository);
  // GIT CLONE URLs go through the same rules.
  assert.equal(rewriteGitUrl("https://example.test/team/x.git", { urlInsteadOf: rules }), "git://team/x.git");
  assert.equal(rewriteGitUrl("git@example.test:org/x.git", { urlInsteadOf: rules }), "git@example.test:org/x.git");
  assert.throws(() => parseUrlInsteadOf("git://x/", "EBUILD_GIT_URL_INSTEAD_OF"), (e: unknown) => e instanceof EbuildError && e.kind === "usage" && /EBUILD_GIT_URL_INSTEAD_OF: "git:\/\/x\/" is not BASE=PREFIX/.test(e.message));
});

/** The error planning `all: BUILD <reference>` gives, checked to be an EbuildError at the BUILD's reference. */
async function failure(reference: string, options: Partial<PlanRequest>): Promise<EbuildError> {
  const error = await planLocal(`VERSION 0.8\nall:\n    BUILD ${reference}\n`, "all", options).then(
    () => assert.fail("planned"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof EbuildError, String(error));
  assert.deepEqual(error.at, { file: "/repo/Buildfile", line: 3, column: 5 });
  return error;
}

test("errors name the reference, its position, the URL tried and how to fix it", async () => {
  const missingTarget = await failure("example.test/org/repo:v1+nope", { gitFiles: server() });
  assert.equal(missingTarget.kind, "semantic");
  assert.match(missingTarget.message, /example.test\/org\/repo:v1\/Buildfile has no target nope/);

  const missingFile = await failure("example.test/org/repo/nodir:v1+t", { gitFiles: server() });
  assert.equal(missingFile.kind, "semantic");
  // The first line says what is missing; the planner adds how the build got there.
  assert.equal(missingFile.message, `no Buildfile or Earthfile in example.test/org/repo/nodir:v1 (cloned from ${url}@v1)\nreached through +all → example.test/org/repo/nodir:v1+t`);

  const missingRef = await failure("example.test/org/repo:v9+t", { gitFiles: server() });
  assert.equal(missingRef.kind, "semantic");
  assert.match(missingRef.message, /cannot fetch example.test\/org\/repo:v9 from https:\/\/example.test\/org\/repo.git@v9: .*does not contain ref v9/);
  assert.match(missingRef.hint ?? "", /no ref v9/);

  const down = new FakeGitServer({}, new EbuildError("build", "failed to fetch remote git://127.0.0.1:1/org/repo.git: git error: exit status 128\nstderr:\nfatal: unable to connect"));
  const unreachable = await failure("example.test/org/repo+t", { gitFiles: down, git: { urlInsteadOf: [{ base: "git://127.0.0.1:1/", insteadOf: "example.test/" }] } });
  assert.equal(unreachable.kind, "build");
  assert.match(unreachable.message, /^cannot fetch example.test\/org\/repo from git:\/\/127.0.0.1:1\/org\/repo.git: failed to fetch .* fatal: unable to connect$/);
  assert.match(unreachable.hint ?? "", /EBUILD_GIT_URL_INSTEAD_OF/);

  const noDaemon = await failure("example.test/org/repo:v1+t", {});
  assert.equal(noDaemon.kind, "semantic");
  assert.match(noDaemon.message, /needs the BuildKit daemon/);
});

test("a reference in a remote Buildfile cannot leave its repository", async () => {
  const error = await planLocal(`VERSION 0.8\nall:\n    BUILD example.test/org/repo:v1+escape\n`, "all", { gitFiles: server() }).then(
    () => assert.fail("planned"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof EbuildError);
  assert.match(error.message, /"\.\.\/x\+t" leaves the repository example.test\/org\/repo/);
  assert.deepEqual(error.at, { file: "example.test/org/repo:v1/Buildfile", line: 17, column: 5 });
});

test("RUN --privileged in a remote Buildfile needs --allow-privileged on the reference that reaches it", async () => {
  const privileged = `VERSION 0.8
privileged:
    FROM ebuild-fixture/busybox:latest
    RUN --privileged true
chain:
    BUILD +privileged
PRIV:
    FUNCTION
    RUN --privileged true
`;
  const gitFiles = new FakeGitServer({ [`${url}@v1`]: { Buildfile: privileged } });
  const attempt = (buildfile: string) => planLocal(`VERSION 0.8\n${buildfile}`, "all", { gitFiles }).then(
    (result) => result.plan.entitlements,
    (e: unknown) => e,
  );
  const refused = await attempt("all:\n    BUILD example.test/org/repo:v1+privileged\n");
  assert.ok(refused instanceof EbuildError && refused.kind === "privileged", String(refused));
  assert.match(refused.message, /RUN --privileged in example.test\/org\/repo:v1\+privileged comes from a remote Buildfile/);
  assert.deepEqual(refused.at, { file: "example.test/org/repo:v1/Buildfile", line: 4, column: 5 });
  assert.match(refused.hint ?? "", /add --allow-privileged to the BUILD, FROM, COPY or IMPORT/);

  const allowed = [
    "all:\n    BUILD --allow-privileged example.test/org/repo:v1+privileged\n",
    "all:\n    FROM --allow-privileged example.test/org/repo:v1+privileged\n",
    // Within one checkout, a trusted target passes its trust on.
    "all:\n    BUILD --allow-privileged example.test/org/repo:v1+chain\n",
    "IMPORT --allow-privileged example.test/org/repo:v1\nall:\n    BUILD repo+privileged\n",
    "all:\n    FROM ebuild-fixture/busybox:latest\n    DO --allow-privileged example.test/org/repo:v1+PRIV\n",
  ];
  for (const buildfile of allowed) assert.deepEqual(await attempt(buildfile), ["security.insecure"], buildfile);

  const notPassedOn = await attempt("all:\n    BUILD example.test/org/repo:v1+chain\n");
  assert.ok(notPassedOn instanceof EbuildError && notPassedOn.kind === "privileged", String(notPassedOn));
  const fn = await attempt("all:\n    FROM ebuild-fixture/busybox:latest\n    DO example.test/org/repo:v1+PRIV\n");
  assert.ok(fn instanceof EbuildError && fn.kind === "privileged", String(fn));
  assert.match(fn.hint ?? "", /add --allow-privileged to the DO/);
});

test("a remote Buildfile's AS LOCAL may not leave the invoked target's directory, even with --force", async () => {
  const escaping = `VERSION 0.8
out:
    FROM ebuild-fixture/busybox:latest
    SAVE ARTIFACT --force /etc/passwd AS LOCAL ../../outside/passwd
`;
  const gitFiles = new FakeGitServer({ [`${url}@v1`]: { Buildfile: escaping } });
  const error = await planLocal(`VERSION 0.8\nall:\n    BUILD example.test/org/repo:v1+out\n`, "all", { gitFiles }).then(
    () => assert.fail("planned"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof EbuildError && error.kind === "semantic", String(error));
  assert.match(error.message, /AS LOCAL \.\.\/\.\.\/outside\/passwd leaves the directory of the invoked target, and this Buildfile is remote/);
  assert.deepEqual(error.at, { file: "example.test/org/repo:v1/Buildfile", line: 4, column: 48 });
});
