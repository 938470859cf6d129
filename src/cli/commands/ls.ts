/**
 * `ebuild ls [DIR]`: the targets of a Buildfile, one per line and sorted, `+base` included, as
 * `earthly ls` prints them; functions follow under their own heading, so the target lines stay easy
 * to pipe. `--args` adds each one's ARGs; `--long` prints full references (`./dir+target`).
 */
import type { Buildfile, Statement } from "../../parser/ast.js";
import { EbuildError } from "../../errors.js";
import { loadBuildfile, locateBuildfile } from "../buildfile-source.js";
import { argsOf } from "../recipe-outline.js";

export interface LsOptions {
  args?: boolean;
  long?: boolean;
}

/** The reference prefix `--long` puts before `+name`: a path that reads as a local reference. */
export function referencePrefix(dir: string | undefined): string {
  if (dir === undefined) return "";
  const trimmed = dir.replace(/(^|\/)(Buildfile|Earthfile)$/, "").replace(/\/+$/, "") || (dir.startsWith("/") ? "/" : ".");
  if (trimmed === ".") return "";
  if (trimmed.startsWith("/") || trimmed.startsWith("./") || trimmed.startsWith("../") || trimmed === "." || trimmed === "..") return trimmed;
  return `./${trimmed}`;
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The text `ebuild ls` prints for a parsed file. */
export function listing(buildfile: Buildfile, options: LsOptions & { prefix?: string }): string {
  const prefix = options.long === true ? (options.prefix ?? "") : "";
  const entries = (items: Array<{ name: string; recipe: readonly Statement[] }>): string[] => {
    const lines: string[] = [];
    for (const item of [...items].sort((a, b) => byName(a.name, b.name))) {
      lines.push(`${prefix}+${item.name}`);
      if (options.args === true) for (const arg of argsOf(item.recipe)) lines.push(`  --${arg.name.text}`);
    }
    return lines;
  };
  const lines = entries([{ name: "base", recipe: buildfile.baseRecipe }, ...buildfile.targets]);
  if (buildfile.functions.length > 0) lines.push("", "FUNCTIONS:", ...entries(buildfile.functions));
  return lines.join("\n") + "\n";
}

export async function ls(dir: string | undefined, options: LsOptions): Promise<void> {
  if (dir?.includes("+")) {
    throw new EbuildError("usage", `ls takes a directory, not a target: ${dir}`, { hint: `try: ebuild doc ${dir}` });
  }
  const { buildfile } = await loadBuildfile(await locateBuildfile(dir ?? "."));
  process.stdout.write(listing(buildfile, { ...options, prefix: referencePrefix(dir) }));
}
