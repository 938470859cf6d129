/**
 * POSIX path arithmetic for the planner, which may not import node:path (it stays free of Node so it
 * can run anywhere the reader and engine interfaces are implemented). Paths use `/`.
 */

/** Joins and normalises: `joinPath("/a/b", "../c")` is `/a/c`; an absolute `to` wins. */
export function joinPath(from: string, to: string): string {
  return normalizePath(to.startsWith("/") ? to : `${from}/${to}`);
}

/**
 * A path with no empty, `.` or `..` segment and no trailing `/` (but `/` itself): one that
 * normalising leaves as it is. Most paths the planner sees are, and testing is cheaper than splitting.
 */
const notNormal = /\/\/|(^|\/)\.\.?(\/|$)|.\/$/;

/** Removes `.`, empty segments and resolvable `..`; keeps a leading `/`; `""` becomes `.`. */
export function normalizePath(path: string): string {
  if (path !== "" && !notNormal.test(path)) return path;
  const absolute = path.startsWith("/");
  const out: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === ".." && out.length > 0 && out[out.length - 1] !== "..") out.pop();
    else if (segment === ".." && absolute) continue;
    else out.push(segment);
  }
  const body = out.join("/");
  if (absolute) return `/${body}`;
  return body === "" ? "." : body;
}

/** The directory holding a path: `/a/b/Buildfile` → `/a/b`. */
export function directoryOf(path: string): string {
  const normal = normalizePath(path);
  const slash = normal.lastIndexOf("/");
  if (slash < 0) return ".";
  return slash === 0 ? "/" : normal.slice(0, slash);
}

/** The last segment of a path. */
export function baseName(path: string): string {
  const normal = normalizePath(path);
  return normal.slice(normal.lastIndexOf("/") + 1);
}

/** `to` relative to the directory `from` (both normalised the same way), e.g. for messages. */
export function relativePath(from: string, to: string): string {
  // The common cases, a directory itself or a path below it, without splitting.
  if (from !== "" && to !== "" && !notNormal.test(from) && !notNormal.test(to)) {
    if (from === to) return ".";
    if (from !== "/" && to.startsWith(from) && to[from.length] === "/") return to.slice(from.length + 1);
  }
  const a = normalizePath(from).split("/").filter((s) => s !== "" && s !== ".");
  const b = normalizePath(to).split("/").filter((s) => s !== "" && s !== ".");
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  const up = a.slice(common).map(() => "..");
  const rest = [...up, ...b.slice(common)].join("/");
  return rest === "" ? "." : rest;
}

/** True when `path` (relative to a directory) stays inside it: no leading `..`, not absolute. */
export function staysInside(path: string): boolean {
  const normal = normalizePath(path);
  return !normal.startsWith("/") && normal !== ".." && !normal.startsWith("../");
}
