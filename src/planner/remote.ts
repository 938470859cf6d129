/**
 * Remote (git) references: which directory of which repository at which ref a reference names,
 * the clone URL a repository maps to (Earthly's rule, `https://host/path.git`, rewritten by
 * `url.<base>.insteadOf`-style settings), and the checkout every use of a remote shares.
 *
 * A remote directory is named by its reference form, `host/org/repo/sub:ref` (no ref for the
 * default branch). That name is the directory key of its invocations, so identical (repository,
 * ref, target, args) are planned once; local directories are absolute paths, so the two never mix.
 */
import { EbuildError, type SourcePosition } from "../errors.js";
import { git, type State } from "./llb/index.js";
import { normalizePath, relativePath } from "./paths.js";

/** A directory inside a git repository at a ref. */
export interface RemoteDirectory {
  /** The repository as written: `host/org/repo`, or a path up to a segment ending in `.git`. */
  repository: string;
  /** Branch, tag or commit; undefined for the default branch. */
  ref: string | undefined;
  /** The directory inside the checkout, normalised; "" for the root. */
  subdirectory: string;
}

/** One rewrite rule, as git's `url.<base>.insteadOf <insteadOf>`: a URL starting with `insteadOf` starts with `base` instead. */
export interface GitUrlRewrite {
  base: string;
  insteadOf: string;
}

/** How remote repositories are reached; given by the CLI in the plan request. */
export interface GitSettings {
  urlInsteadOf?: readonly GitUrlRewrite[];
}

/** A checkout the daemon makes: the clone URL (after rewrites) and the ref ("" for the default branch). */
export interface GitCheckout {
  url: string;
  ref: string;
}

/** The directory key of a remote directory: its reference form, `host/org/repo/sub:ref`. */
export function remoteDirectoryKey(directory: RemoteDirectory): string {
  const sub = directory.subdirectory === "" ? "" : `/${directory.subdirectory}`;
  return `${directory.repository}${sub}${directory.ref === undefined ? "" : `:${directory.ref}`}`;
}

/** True for a directory key or Buildfile path in a remote repository (local ones are absolute). */
export function isRemote(directoryOrPath: string): boolean {
  return !directoryOrPath.startsWith("/");
}

/**
 * The remote directory a key names, or undefined for a local directory. Keys come from
 * remoteDirectoryKey: the ref follows the last `:` (refs hold no `:`), the repository is the path up
 * to a segment ending in `.git` or else its first three segments, as references are parsed.
 */
export function parseRemoteDirectoryKey(key: string): RemoteDirectory | undefined {
  if (!isRemote(key)) return undefined;
  const colon = key.lastIndexOf(":");
  const slash = key.indexOf("/");
  const hasRef = colon > slash;
  const path = hasRef ? key.slice(0, colon) : key;
  const segments = path.split("/");
  let end = segments.findIndex((s) => s.endsWith(".git")) + 1;
  if (end === 0) end = Math.min(3, segments.length);
  return { repository: segments.slice(0, end).join("/"), ref: hasRef ? key.slice(colon + 1) : undefined, subdirectory: segments.slice(end).join("/") };
}

/** True when two directories are in the same remote repository at the same ref. */
export function sameCheckout(a: string, b: string): boolean {
  const first = parseRemoteDirectoryKey(a);
  const second = parseRemoteDirectoryKey(b);
  return first !== undefined && second !== undefined && first.repository === second.repository && first.ref === second.ref;
}

/**
 * A remote directory from a reference's parts, checked: the subdirectory may not leave the
 * repository. `text` and `at` name the reference for the error.
 */
export function remoteDirectory(repository: string, ref: string | undefined, subdirectory: string, text: string, at: SourcePosition | undefined): RemoteDirectory {
  const normal = normalizePath(subdirectory);
  if (normal === ".." || normal.startsWith("../")) {
    throw new EbuildError("semantic", `"${text}" leaves the repository ${repository}`, { at, hint: "a directory of a remote reference is inside its repository" });
  }
  return { repository, ref, subdirectory: normal === "." ? "" : normal };
}

/**
 * A directory relative to a remote one (`./sub+t`, `../lib+t` in a remote Buildfile): the same
 * repository at the same ref. It may not leave the repository, and absolute paths would name this
 * machine, so they are refused.
 */
export function joinRemote(from: RemoteDirectory, path: string, text: string, at: SourcePosition | undefined): RemoteDirectory {
  if (path.startsWith("/")) {
    throw new EbuildError("semantic", `"${text}" is an absolute directory in a Buildfile of ${remoteDirectoryKey(from)}`, {
      at,
      hint: "references in a remote Buildfile are relative to it (./dir+target), or remote themselves",
    });
  }
  const joined = from.subdirectory === "" ? path : `${from.subdirectory}/${path}`;
  return remoteDirectory(from.repository, from.ref, joined, text, at);
}

/** The Buildfile path shown in messages and source maps: `host/org/repo/sub:ref/Buildfile`. */
export function remoteFilePath(directory: RemoteDirectory, name: string): string {
  return `${remoteDirectoryKey(directory)}/${name}`;
}

/** A path for messages: local paths relative to `base`, remote ones as they are. */
export function displayPath(base: string, path: string): string {
  return isRemote(path) ? path : relativePath(base, path);
}

/**
 * The clone URL of a repository: `https://<repository>.git` (no second `.git`), rewritten by the
 * settings (see rewriteGitUrl).
 */
export function cloneUrl(repository: string, settings: GitSettings = {}): string {
  return rewriteGitUrl(`https://${repository.endsWith(".git") ? repository : `${repository}.git`}`, settings);
}

/**
 * A git URL after the rewrites: the rule whose `insteadOf` is the longest prefix of it wins, as in
 * git. A prefix without a scheme (`github.com/`) is compared with the URL without `https://`, so
 * rules can be written the way references are.
 */
export function rewriteGitUrl(url: string, settings: GitSettings = {}): string {
  const bare = url.startsWith("https://") ? url.slice("https://".length) : undefined;
  let best: { rule: GitUrlRewrite; rest: string } | undefined;
  for (const rule of settings.urlInsteadOf ?? []) {
    const rest = url.startsWith(rule.insteadOf) ? url.slice(rule.insteadOf.length) : bare?.startsWith(rule.insteadOf) ? bare.slice(rule.insteadOf.length) : undefined;
    if (rest !== undefined && (best === undefined || rule.insteadOf.length > best.rule.insteadOf.length)) best = { rule, rest };
  }
  return best === undefined ? url : best.rule.base + best.rest;
}

/** What the daemon checks out for a remote directory. */
export function checkoutOf(directory: RemoteDirectory, settings: GitSettings = {}): GitCheckout {
  return { url: cloneUrl(directory.repository, settings), ref: directory.ref ?? "" };
}

/**
 * The checkout as an LLB state. Reading a remote Buildfile and copying from the remote use this one
 * state, so the daemon fetches each repository and ref once.
 */
export function checkoutState(checkout: GitCheckout): State {
  return git(checkout.url, checkout.ref, { description: `git ${checkout.url}${checkout.ref === "" ? "" : `@${checkout.ref}`}` });
}

/** `url@ref` (or the URL alone for the default branch), for messages and `ebuild plan`. */
export function describeCheckout(checkout: GitCheckout): string {
  return checkout.ref === "" ? checkout.url : `${checkout.url}@${checkout.ref}`;
}

/**
 * Parses rewrite rules as Earthly's `url_instead_of` writes them: `base=insteadOf`, several
 * separated by commas. `name` is the setting, for the error.
 */
export function parseUrlInsteadOf(text: string, name: string): GitUrlRewrite[] {
  return text
    .split(",")
    .map((rule) => rule.trim())
    .filter((rule) => rule !== "")
    .map((rule) => {
      const eq = rule.indexOf("=");
      if (eq <= 0 || eq === rule.length - 1) {
        throw new EbuildError("usage", `${name}: "${rule}" is not BASE=PREFIX`, { hint: `e.g. ${name}="git://127.0.0.1:9418/=github.com/" clones github.com/org/repo from git://127.0.0.1:9418/org/repo.git` });
      }
      return { base: rule.slice(0, eq), insteadOf: rule.slice(eq + 1) };
    });
}
