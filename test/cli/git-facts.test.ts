/** The git facts behind EBUILD_GIT_*, read from real repositories made for the test. */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { GitFactsReader, originProject, projectName, scrubUrl } from "../../src/cli/build/git-facts.js";

const env = { ...process.env, GIT_AUTHOR_NAME: "Ada Author", GIT_AUTHOR_EMAIL: "ada@example.com", GIT_AUTHOR_DATE: "2023-11-14T22:13:20Z", GIT_COMMITTER_NAME: "Cy Committer", GIT_COMMITTER_EMAIL: "cy@example.com", GIT_COMMITTER_DATE: "2023-11-14T22:13:21Z" };
const git = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd, env, encoding: "utf8" }).trim();

test("a checkout's facts: commit, branch, tag, refs, origin without its password, author and co-authors", async () => {
  const repo = await mkdtemp(join(tmpdir(), "ebuild-git-facts-"));
  await mkdir(join(repo, "sub"));
  git(repo, "init", "-q", "-b", "trunk");
  git(repo, "remote", "add", "origin", "https://bot:s3cret@git.example.com/org/project.git");
  git(repo, "commit", "-q", "--allow-empty", "-m", "first\n\nCo-authored-by: Bo <bo@example.com>\nCo-authored-by: Cy <cy@example.com>");
  git(repo, "tag", "v1.2.3");
  const hash = git(repo, "rev-parse", "HEAD");
  const reader = new GitFactsReader();
  const facts = await reader.factsOf(join(repo, "sub"));
  assert.deepEqual(facts, {
    HASH: hash,
    SHORT_HASH: hash.slice(0, 8),
    BRANCH: "trunk",
    TAG: "v1.2.3",
    REFS: "trunk v1.2.3",
    ORIGIN_URL: "https://bot:s3cret@git.example.com/org/project.git",
    ORIGIN_URL_SCRUBBED: "https://git.example.com/org/project.git",
    PROJECT_NAME: "org/project",
    COMMIT_TIMESTAMP: "1700000001",
    COMMIT_AUTHOR_TIMESTAMP: "1700000000",
    AUTHOR: "ada@example.com",
    AUTHOR_EMAIL: "ada@example.com",
    AUTHOR_NAME: "Ada Author",
    CO_AUTHORS: "bo@example.com cy@example.com",
    project: "git.example.com/org/project/sub",
  });
  assert.equal((await reader.factsOf(repo))?.HASH, hash, "one read per checkout, whichever directory asks");
  assert.equal((await reader.factsOf(repo))?.project, "git.example.com/org/project");

  git(repo, "checkout", "-q", "--detach");
  assert.equal((await new GitFactsReader().factsOf(repo))?.BRANCH, "", "a detached HEAD has no branch");
});

test("a directory outside git has no facts", async () => {
  const dir = await mkdtemp(join(tmpdir(), "ebuild-no-git-"));
  assert.equal(await new GitFactsReader().factsOf(dir), undefined);
});

test("origin URLs: credentials scrubbed, org/repo and host/org/repo from https, ssh and scp-like forms", () => {
  assert.deepEqual(
    ["https://u:p@github.com/org/repo.git", "ssh://git@host:22/org/repo", "git@github.com:org/repo.git", "/srv/git/repo.git"].map(originProject),
    ["github.com/org/repo", "host/org/repo", "github.com/org/repo", ""],
  );
  assert.equal(scrubUrl("https://user:token@host/x.git"), "https://host/x.git");
  assert.equal(scrubUrl("git@host:org/repo.git"), "git@host:org/repo.git");
  assert.deepEqual(
    ["https://host/org/repo.git", "ssh://git@host:22/org/repo", "git@host:org/repo.git", "/srv/git/repo.git"].map(projectName),
    ["org/repo", "org/repo", "org/repo", ""],
  );
});
