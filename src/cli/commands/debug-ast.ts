/**
 * `ebuild debug ast FILE`: the typed syntax tree of a Buildfile as JSON (FILE may be a directory:
 * its Buildfile, else its Earthfile). Meant for bug reports and for tools; the shape is
 * `src/parser/ast.ts`.
 */
import { loadBuildfile, locateBuildfile } from "../buildfile-source.js";

export async function debugAst(file: string): Promise<void> {
  const { buildfile } = await loadBuildfile(await locateBuildfile(file));
  process.stdout.write(`${JSON.stringify(buildfile, null, 2)}\n`);
}
