/** `ebuild debug ast FILE|DIR`: the parsed AST as JSON on stdout (exit 2 with the problems when it does not parse). */
import { loadBuildfile } from "./ls.js";

export function debugAst(path: string | undefined): void {
  const buildfile = loadBuildfile(path ?? ".");
  process.stdout.write(`${JSON.stringify(buildfile, null, 2)}\n`);
}
