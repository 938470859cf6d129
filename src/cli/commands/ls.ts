/**
 * `ebuild ls [DIR]`: the targets of a directory's Buildfile (else its Earthfile), sorted, `+base`
 * included; `--args` adds each target's ARGs; functions are listed apart. Also home of the small
 * loader `doc` and `debug ast` share: find the file, parse it, print every problem and exit 2.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { EbuildError } from "../../errors.js";
import { formatProblem, parseBuildfile, type ArgCommand, type Buildfile, type Statement } from "../../parser/index.js";

/** The file ebuild reads for a directory: its Buildfile, else its Earthfile. A file path is itself. */
export function buildfilePath(dirOrFile: string): string {
  if (existsSync(dirOrFile) && statSync(dirOrFile).isFile()) return dirOrFile;
  for (const name of ["Buildfile", "Earthfile"]) {
    const candidate = join(dirOrFile, name);
    if (existsSync(candidate)) return candidate;
  }
  throw new EbuildError("usage", `no Buildfile or Earthfile in ${dirOrFile}`, { hint: "pass the directory that holds the Buildfile" });
}

/** Reads and parses; on any syntax problem prints them all to stderr and fails with exit code 2. */
export function loadBuildfile(dirOrFile: string): Buildfile {
  const path = buildfilePath(dirOrFile);
  const text = readFileSync(path, "utf8");
  const shown = relative(process.cwd(), path) || path;
  const { buildfile, problems } = parseBuildfile(text, shown);
  if (problems.length > 0 || buildfile === undefined) {
    for (const p of problems) process.stderr.write(`${formatProblem(p, text)}\n\n`);
    const count = problems.length === 1 ? "1 syntax error" : `${problems.length} syntax errors`;
    throw new EbuildError("syntax", `${count} in ${shown}`);
  }
  return buildfile;
}

/** Every ARG declared in a recipe, blocks included, in file order. */
export function argsOf(recipe: Statement[]): ArgCommand[] {
  const out: ArgCommand[] = [];
  const visit = (statements: Statement[] | undefined): void => {
    for (const s of statements ?? []) {
      switch (s.kind) {
        case "ARG":
          out.push(s);
          break;
        case "IF":
          for (const branch of s.branches) visit(branch.body);
          visit(s.elseBody);
          break;
        case "FOR":
        case "WAIT":
        case "WITH_DOCKER":
          visit(s.body);
          break;
        case "TRY":
          visit(s.body);
          visit(s.catchBody);
          visit(s.finallyBody);
          break;
        default:
          break;
      }
    }
  };
  visit(recipe);
  return out;
}

function withArgs(name: string, recipe: Statement[], showArgs: boolean): string {
  if (!showArgs) return name;
  return [name, ...argsOf(recipe).map((a) => `--${a.name.text}`)].join(" ");
}

export interface LsOptions {
  args?: boolean;
}

export function ls(dir: string | undefined, options: LsOptions): void {
  const file = loadBuildfile(dir ?? ".");
  const showArgs = options.args === true;
  const targets = [{ name: "base", recipe: file.baseRecipe }, ...file.targets].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const lines = targets.map((t) => withArgs(`+${t.name}`, t.recipe, showArgs));
  if (file.functions.length > 0) {
    lines.push("", "functions:");
    for (const fn of [...file.functions].sort((a, b) => (a.name < b.name ? -1 : 1))) lines.push(withArgs(`+${fn.name}`, fn.recipe, showArgs));
  }
  process.stdout.write(`${lines.join("\n")}\n`);
}
