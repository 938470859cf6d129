/** Slash-separated path helpers with Go's `path` semantics (the daemon's paths are always POSIX). */

/** An empty, `.` or `..` segment, or a trailing `/` (but `/` itself): what Clean changes. */
const unclean = /\/\/|(^|\/)\.\.?(\/|$)|.\/$/;

/** Go's path.Clean: removes `.`, resolves `..`, collapses slashes; "" becomes ".". */
export function cleanPath(p: string): string {
  if (p === "") return ".";
  // Most paths are clean already: testing is cheaper than splitting and joining.
  if (!unclean.test(p)) return p;
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
  const nonEmpty = parts.filter((p) => p !== "");
  return nonEmpty.length === 0 ? "" : cleanPath(nonEmpty.join("/"));
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
