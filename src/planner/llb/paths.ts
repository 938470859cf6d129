/** Slash-separated path helpers with Go's `path` semantics (the daemon's paths are always POSIX). */

/**
 * Whether Clean would leave `p` (not "") as it is: no empty, `.` or `..` segment and no trailing `/`
 * (but `/` itself). A scan rather than a regular expression: every path of every op comes here.
 */
function isClean(p: string): boolean {
  const n = p.length;
  if (n > 1 && p.charCodeAt(n - 1) === slash) return false;
  let start = 0;
  for (let i = 0; i <= n; i++) {
    if (i < n && p.charCodeAt(i) !== slash) continue;
    const length = i - start;
    if (length === 0 && i > 0 && i < n) return false;
    if (length === 1 && p.charCodeAt(start) === dot) return false;
    if (length === 2 && p.charCodeAt(start) === dot && p.charCodeAt(start + 1) === dot) return false;
    start = i + 1;
  }
  return true;
}

const slash = 47;
const dot = 46;

/** Go's path.Clean: removes `.`, resolves `..`, collapses slashes; "" becomes ".". */
export function cleanPath(p: string): string {
  if (p === "") return ".";
  // Most paths are clean already: testing is cheaper than splitting and joining.
  if (isClean(p)) return p;
  // The usual unclean shapes, without splitting: `./x`, `x/` and `x/.` (COPY's `./` and `dir/.`).
  const n = p.length;
  if (n > 2 && p.charCodeAt(0) === dot && p.charCodeAt(1) === slash && p.charCodeAt(2) !== slash) return cleanPath(p.slice(2));
  if (n === 2 && p.charCodeAt(0) === dot && p.charCodeAt(1) === slash) return ".";
  if (n > 2 && p.charCodeAt(n - 1) === dot && p.charCodeAt(n - 2) === slash) return cleanPath(p.slice(0, n - 2));
  if (n > 1 && p.charCodeAt(n - 1) === slash) return cleanPath(p.slice(0, n - 1));
  const rooted = p.startsWith("/");
  const out: string[] = [];
  for (const part of p.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!rooted) out.push("..");
      continue;
    }
    out.push(part);
  }
  const joined = out.join("/");
  if (rooted) return "/" + joined;
  return joined === "" ? "." : joined;
}

/** Go's path.Join: joins the non-empty parts and cleans the result. */
export function joinPath(...parts: string[]): string {
  let joined = "";
  for (const part of parts) {
    if (part === "") continue;
    // One slash between parts, not two (Clean would collapse them): most joins are then clean already.
    const slashed = joined.endsWith("/");
    const leading = part.startsWith("/");
    joined = joined === "" ? part : slashed && leading ? joined + part.slice(1) : slashed || leading ? joined + part : `${joined}/${part}`;
  }
  return joined === "" ? "" : cleanPath(joined);
}

/** Whether `p` is absolute. */
export function isAbsPath(p: string): boolean {
  return p.startsWith("/");
}

/**
 * Resolves `p` against the directory `parent` the way BuildKit's file ops do, keeping a trailing
 * `/` or `/.` when asked: they tell a copy to put things inside the destination directory.
 */
export function resolvePath(parent: string, p: string, keepSlash = false): string {
  let resolved = cleanPath(p);
  if (!isAbsPath(resolved)) resolved = joinPath("/", parent, resolved);
  if (keepSlash) {
    if (p.endsWith("/") && !resolved.endsWith("/")) {
      resolved += "/";
    } else if (p.endsWith("/.")) {
      if (resolved !== "/") resolved += "/";
      resolved += ".";
    }
  }
  return resolved;
}
