/**
 * References to targets, functions and artifacts, as users write them after BUILD, FROM, COPY, DO:
 *
 *   +build                      a target in this Buildfile
 *   ./svc+build  ../lib+t  /abs/dir+t   a target in another directory's Buildfile
 *   lib+build                   a target behind `IMPORT ... AS lib`
 *   host/org/repo/sub:v1+build  a target in a git repository (remote)
 *   +BUILD_GO                   a function (names in capitals)
 *   +build/dist/*.js            an artifact of a target (globs allowed)
 *
 * A literal `+` in a directory name is written `\+`. Parsing is syntax only: whether the directory,
 * alias or target exists is decided when the reference is resolved.
 */
import { EbuildError, type SourcePosition } from "../errors.js";

/** Where the Buildfile that holds the target is. */
export type ReferenceHome =
  | { kind: "here" }
  /** A directory relative to the referring Buildfile (`./x`, `../x`) or absolute (`/x`). */
  | { kind: "directory"; path: string }
  /** The alias of an IMPORT. */
  | { kind: "import"; alias: string }
  /** A git repository, optionally a directory in it and a ref (branch, tag or commit). */
  | { kind: "remote"; repository: string; subdirectory: string; ref: string | undefined };

interface ReferenceBase {
  /** The reference as written. */
  text: string;
  home: ReferenceHome;
  /** The target or function name, without `+`. */
  name: string;
  /** True when the directory part holds a `*` (wildcard BUILD or COPY over several directories). */
  wildcard: boolean;
}

export interface TargetReference extends ReferenceBase {
  kind: "target";
}

export interface FunctionReference extends ReferenceBase {
  kind: "function";
}

export interface ArtifactReference extends ReferenceBase {
  kind: "artifact";
  /** The path inside the target's artifacts, without the leading `/`; may hold globs. */
  path: string;
}

export type Reference = TargetReference | FunctionReference | ArtifactReference;

const targetName = /^[a-z][a-zA-Z0-9.-]*$/;
const functionName = /^[A-Z][A-Z0-9._]*$/;

/**
 * Parses one reference. `at` is where its first character stands in the Buildfile, so errors point
 * at the offending character.
 */
export function parseReference(text: string, at?: SourcePosition): Reference {
  const plus = firstUnescapedPlus(text);
  if (plus < 0) {
    throw referenceError(`"${text}" is not a target reference: it has no +NAME`, 0, at, "write +target, ./dir+target or +target/path");
  }
  const home = parseHome(unescapePlus(text.slice(0, plus)), text, at);
  const rest = text.slice(plus + 1);
  const slash = rest.indexOf("/");
  const name = slash < 0 ? rest : rest.slice(0, slash);
  const nameOffset = plus + 1;
  if (name === "") {
    throw referenceError(`"${text}" names no target after +`, nameOffset, at, "write +target or +FUNCTION");
  }
  const wildcard = home.kind === "directory" && home.path.includes("*");
  if (functionName.test(name)) {
    if (slash >= 0) {
      throw referenceError(`"${name}" is a function: functions have no artifacts`, nameOffset + slash, at, "functions are called with DO +NAME; artifacts come from targets (lower-case names)");
    }
    return { kind: "function", text, home, name, wildcard };
  }
  if (!targetName.test(name)) {
    throw referenceError(
      `"${name}" is not a valid target or function name`,
      nameOffset,
      at,
      "target names start with a lower-case letter and hold letters, digits, '.' and '-'; function names are in capitals",
    );
  }
  if (slash < 0) return { kind: "target", text, home, name, wildcard };
  const path = rest.slice(slash + 1);
  if (path === "") {
    throw referenceError(`"${text}" names no artifact after the target`, nameOffset + slash + 1, at, `write +${name}/path, or +${name}/* for every artifact`);
  }
  return { kind: "artifact", text, home, name, wildcard, path };
}

/** Parses a reference that must name a target (BUILD, FROM). */
export function parseTargetReference(text: string, at?: SourcePosition): TargetReference {
  const ref = parseReference(text, at);
  if (ref.kind !== "target") throw wrongKind(ref, "a target", at);
  return ref;
}

/** Parses a reference that must name a function (DO). */
export function parseFunctionReference(text: string, at?: SourcePosition): FunctionReference {
  const ref = parseReference(text, at);
  if (ref.kind !== "function") throw wrongKind(ref, "a function", at);
  return ref;
}

/** Parses a reference that must name an artifact (COPY, FROM DOCKERFILE -f). */
export function parseArtifactReference(text: string, at?: SourcePosition): ArtifactReference {
  const ref = parseReference(text, at);
  if (ref.kind !== "artifact") throw wrongKind(ref, "an artifact", at);
  return ref;
}

/** True when a word looks like a reference rather than a path or image name (it holds an unescaped `+`). */
export function looksLikeReference(text: string): boolean {
  return firstUnescapedPlus(text) >= 0;
}

/** The reference as it would be written, for messages and `ebuild plan`: `./svc+build`, `+t/dist`. */
export function formatReference(ref: Reference): string {
  const home = formatHome(ref.home);
  return ref.kind === "artifact" ? `${home}+${ref.name}/${ref.path}` : `${home}+${ref.name}`;
}

export function formatHome(home: ReferenceHome): string {
  switch (home.kind) {
    case "here":
      return "";
    case "directory":
      return home.path.replaceAll("+", "\\+");
    case "import":
      return home.alias;
    case "remote": {
      const sub = home.subdirectory === "" ? "" : `/${home.subdirectory}`;
      return `${home.repository}${sub}${home.ref === undefined ? "" : `:${home.ref}`}`;
    }
  }
}

function parseHome(prefix: string, text: string, at: SourcePosition | undefined): ReferenceHome {
  if (prefix === "") return { kind: "here" };
  if (prefix === "." || prefix === ".." || prefix.startsWith("./") || prefix.startsWith("../") || prefix.startsWith("/")) {
    return { kind: "directory", path: trimTrailingSlash(prefix) };
  }
  if (!prefix.includes("/") && !prefix.includes(":")) return { kind: "import", alias: prefix };
  return parseRemote(prefix, text, at);
}

/**
 * `host/org/repo[/sub][:ref]`. The repository is the path up to a segment ending in `.git`, or else
 * its first three segments (host, owner, name), the shape every common git forge uses.
 */
function parseRemote(prefix: string, text: string, at: SourcePosition | undefined): ReferenceHome {
  const colon = prefix.lastIndexOf(":");
  const path = colon < 0 ? prefix : prefix.slice(0, colon);
  const ref = colon < 0 ? undefined : prefix.slice(colon + 1);
  if (ref === "") {
    throw referenceError(`"${text}" has an empty git ref after ':'`, colon + 1, at, "write repo:branch+target, or leave out ':' for the default branch");
  }
  const segments = trimTrailingSlash(path).split("/");
  if (segments.some((s) => s === "")) {
    throw referenceError(`"${text}" is not a valid remote reference`, 0, at, "write host/org/repo/dir:ref+target, or ./dir+target for a local directory");
  }
  let end = segments.findIndex((s) => s.endsWith(".git")) + 1;
  if (end === 0) end = Math.min(3, segments.length);
  if (end < 3 && !segments[end - 1]!.endsWith(".git")) {
    throw referenceError(
      `"${text}" is neither a local directory nor a git repository`,
      0,
      at,
      "local directories start with ./, ../ or /; repositories are written host/org/repo",
    );
  }
  return { kind: "remote", repository: segments.slice(0, end).join("/"), subdirectory: segments.slice(end).join("/"), ref };
}

function firstUnescapedPlus(text: string): number {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === "+") return i;
  }
  return -1;
}

function unescapePlus(text: string): string {
  return text.includes("\\+") ? text.replaceAll("\\+", "+") : text;
}

function trimTrailingSlash(path: string): string {
  return path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
}

function wrongKind(ref: Reference, wanted: string, at: SourcePosition | undefined): EbuildError {
  const hints: Record<Reference["kind"], string> = {
    target: "a target is written +name",
    function: "functions are called with DO",
    artifact: "artifacts are copied with COPY +target/path",
  };
  return new EbuildError("semantic", `"${ref.text}" is ${article(ref.kind)}, but ${wanted} is needed here`, { at, hint: hints[ref.kind] });
}

function article(kind: Reference["kind"]): string {
  return kind === "artifact" ? "an artifact" : `a ${kind}`;
}

function referenceError(message: string, offset: number, at: SourcePosition | undefined, hint: string): EbuildError {
  const position = at === undefined ? undefined : { ...at, column: at.column + offset };
  return new EbuildError("semantic", message, { at: position, hint });
}
