/**
 * The git facts of a Buildfile's checkout (`EBUILD_GIT_HASH` and the rest), read with the `git`
 * command on this machine: the planner stays pure and asks for them per directory.
 */
import { execFile } from "node:child_process";
import type { GitFacts } from "../../planner/index.js";

/** Facts per directory, each checkout read once; directories outside git (or without git installed) get none. */
export class GitFactsReader {
  readonly #byDirectory = new Map<string, Promise<GitFacts | undefined>>();
  readonly #byCheckout = new Map<string, Promise<GitFacts>>();

  /** The facts of the checkout holding `directory`, or undefined outside git. */
  factsOf = (directory: string): Promise<GitFacts | undefined> => {
    let facts = this.#byDirectory.get(directory);
    if (facts === undefined) {
      facts = git(directory, ["rev-parse", "--show-toplevel", "--show-prefix"]).then(async (lines) => {
        if (lines === undefined) return undefined;
        const [top = "", prefix = ""] = lines.split("\n");
        let checkout = this.#byCheckout.get(top);
        if (checkout === undefined) this.#byCheckout.set(top, (checkout = readFacts(top)));
        const facts = await checkout;
        const origin = originProject(facts.ORIGIN_URL ?? "");
        return origin === "" ? facts : { ...facts, project: [origin, prefix.replace(/\/$/, "")].filter((p) => p !== "").join("/") };
      });
      this.#byDirectory.set(directory, facts);
    }
    return facts;
  };
}

// One field a line; the body last, since it spans lines (Co-authored-by trailers live there).
const logFormat = ["%H", "%ct", "%at", "%an", "%ae", "%B"].join("%n");

async function readFacts(top: string): Promise<GitFacts> {
  const [log, branch, tag, refs, origin] = await Promise.all([
    git(top, ["log", "-1", `--format=${logFormat}`]),
    git(top, ["rev-parse", "--abbrev-ref", "HEAD"]),
    git(top, ["describe", "--exact-match", "--tags", "HEAD"]),
    git(top, ["for-each-ref", "--points-at", "HEAD", "--format=%(refname:short)"]),
    git(top, ["config", "--get", "remote.origin.url"]),
  ]);
  // A repository without commits has no HEAD: nothing but the origin to tell.
  const [hash = "", committed = "", authored = "", authorName = "", authorEmail = "", ...body] = (log ?? "").split("\n");
  const originUrl = origin ?? "";
  return {
    HASH: hash,
    SHORT_HASH: hash.slice(0, 8),
    // Detached HEAD: no branch.
    BRANCH: branch === undefined || branch === "HEAD" ? "" : branch,
    TAG: tag ?? "",
    REFS: (refs ?? "").split("\n").filter((r) => r !== "").join(" "),
    ORIGIN_URL: originUrl,
    ORIGIN_URL_SCRUBBED: scrubUrl(originUrl),
    PROJECT_NAME: projectName(originUrl),
    COMMIT_TIMESTAMP: committed,
    COMMIT_AUTHOR_TIMESTAMP: authored,
    // Earthly 0.8's EARTHLY_GIT_AUTHOR is the author's email.
    AUTHOR: authorEmail,
    AUTHOR_EMAIL: authorEmail,
    AUTHOR_NAME: authorName,
    CO_AUTHORS: coAuthors(body),
  };
}

/** The origin URL without credentials (`https://user:token@host/x` → `https://host/x`). */
export function scrubUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, "$1");
}

/** `org/repo` from an origin URL (`https://host/org/repo.git`, `git@host:org/repo.git`); empty for a local path. */
export function projectName(url: string): string {
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^/]*\/(.+)$/i.exec(scrubUrl(url)) ?? /^[^/:]+@[^/:]+:(.+)$/.exec(url);
  return match === null ? "" : match[1]!.replace(/\/+$/, "").replace(/\.git$/, "");
}

/**
 * The origin as a project path, `host/org/repo` (Earthly's canonical form, without scheme, user,
 * port or `.git`); empty for a local path.
 */
export function originProject(url: string): string {
  const match = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?([^/:]+)(?::\d+)?\/(.+)$/i.exec(url) ?? /^[^/:]+@([^/:]+):(.+)$/.exec(url);
  if (match === null) return "";
  return `${match[1]}/${match[2]!.replace(/\/+$/, "").replace(/\.git$/, "")}`;
}

/** The emails of the commit's `Co-authored-by:` trailers, space-separated. */
function coAuthors(body: readonly string[]): string {
  const emails: string[] = [];
  for (const line of body) {
    const match = /^co-authored-by:.*<([^>]+)>\s*$/i.exec(line.trim());
    if (match !== null) emails.push(match[1]!);
  }
  return emails.join(" ");
}

/** A git command's output without the trailing newline, or undefined when it fails. */
function git(cwd: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile("git", args, { cwd, encoding: "utf8", env: { ...process.env, GIT_TERMINAL_PROMPT: "0", LC_ALL: "C" } }, (error, stdout) =>
      resolve(error ? undefined : stdout.replace(/\n$/, "")),
    );
  });
}
