/**
 * `ebuild ls [DIR]`: the targets of a Buildfile, one per line and sorted, `+base` included, as
 * `earthly ls` prints them; functions follow under their own heading, so the target lines stay easy
 * to pipe. `--args` adds each one's ARGs; `--long` prints full references (`./dir+target`).
 * A directory that does not exist here but reads as a repository (`host.name/org/repo/sub:ref`) is
 * listed from its git checkout, through the daemon.
 */
import { existsSync } from "node:fs";
import type { Buildfile, Statement } from "../../parser/ast.js";
import { EbuildError } from "../../errors.js";
import { loadBuildfile, locateBuildfile } from "../buildfile-source.js";
import { argsOf } from "../recipe-outline.js";
import { fileSystemReader, parseOrThrow } from "../build/load.js";
import { OnDemandGitFiles } from "../build/remote-files.js";
import { loadFlagDefaults } from "../settings.js";
import { directoryOfReference } from "../../planner/locate.js";
import { parseReference } from "../../planner/reference.js";
import { BuildfileLoader } from "../../planner/source.js";

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
  const remote = dir === undefined || existsSync(dir) ? undefined : remoteDirectory(dir);
  if (remote !== undefined) {
    process.stdout.write(listing(await loadRemote(remote), { ...options, prefix: remote }));
    return;
  }
  const { buildfile } = await loadBuildfile(await locateBuildfile(dir ?? "."));
  process.stdout.write(listing(buildfile, { ...options, prefix: referencePrefix(dir) }));
}

/**
 * The remote directory key `dir` names, or undefined when it does not read as a repository: a
 * relative path without `./` is common here, so a repository needs a host name (with a dot) first.
 */
function remoteDirectory(dir: string): string | undefined {
  if (!(dir.split("/")[0] ?? "").includes(".")) return undefined;
  try {
    const ref = parseReference(`${dir}+base`);
    return ref.home.kind === "remote" ? directoryOfReference(ref, { directory: process.cwd(), imports: new Map() }) : undefined;
  } catch {
    return undefined;
  }
}

async function loadRemote(directory: string): Promise<Buildfile> {
  const defaults = await loadFlagDefaults(process.cwd(), process.env);
  const files = new OnDemandGitFiles();
  try {
    const loader = new BuildfileLoader(fileSystemReader, parseOrThrow, { files, settings: { urlInsteadOf: defaults.gitUrlInsteadOf } });
    return (await loader.load(directory)).parsed;
  } finally {
    await files.close();
  }
}
