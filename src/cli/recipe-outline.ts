/**
 * What `ls` and `doc` show of a recipe: its ARGs, the artifacts it saves, the images it names. Read
 * from the AST (blocks included), never by re-reading the text, except for the comment blocks above
 * SAVE commands, which the AST does not keep.
 */
import type { ArgCommand, Buildfile, SaveArtifactCommand, SaveImageCommand, Statement } from "../parser/ast.js";

/** Every statement of a recipe in source order, the bodies of blocks included. */
export function flatten(recipe: readonly Statement[]): Statement[] {
  const out: Statement[] = [];
  const visit = (statements: readonly Statement[] | undefined): void => {
    for (const s of statements ?? []) {
      out.push(s);
      switch (s.kind) {
        case "IF":
          for (const branch of s.branches) visit(branch.body);
          visit(s.elseBody);
          break;
        case "TRY":
          visit(s.body);
          visit(s.catchBody);
          visit(s.finallyBody);
          break;
        case "FOR":
        case "WAIT":
        case "WITH_DOCKER":
          visit(s.body);
          break;
        default:
          break;
      }
    }
  };
  visit(recipe);
  return out;
}

const platformArgs = /^(TARGET|NATIVE|USER)(PLATFORM|OS|ARCH|VARIANT)$/;

/**
 * Whether an ARG name is a builtin (`TARGETARCH`, `EBUILD_GIT_HASH`, `EARTHLY_TARGET`...): declared
 * to be read, never set by a caller, so `ls --args` and `doc` leave it out.
 */
export function isBuiltinArg(name: string): boolean {
  return platformArgs.test(name) || name.startsWith("EBUILD_") || name.startsWith("EARTHLY_");
}

/** The ARGs a caller can set on a recipe: first declaration of each name, builtins left out. */
export function argsOf(recipe: readonly Statement[]): ArgCommand[] {
  const seen = new Set<string>();
  const args: ArgCommand[] = [];
  for (const s of flatten(recipe)) {
    if (s.kind !== "ARG" || seen.has(s.name.text) || isBuiltinArg(s.name.text)) continue;
    seen.add(s.name.text);
    args.push(s);
  }
  return args;
}

/** The base recipe's `ARG --global` declarations: every target of the file takes them. */
export function globalArgsOf(buildfile: Buildfile): ArgCommand[] {
  return argsOf(buildfile.baseRecipe).filter((a) => a.flags.global);
}

export function savedArtifactsOf(recipe: readonly Statement[]): SaveArtifactCommand[] {
  return flatten(recipe).filter((s): s is SaveArtifactCommand => s.kind === "SAVE_ARTIFACT");
}

export function savedImagesOf(recipe: readonly Statement[]): SaveImageCommand[] {
  return flatten(recipe).filter((s): s is SaveImageCommand => s.kind === "SAVE_IMAGE");
}

/** The name an artifact is saved under inside the target: its destination, else its source (as Earthly names it). */
export function artifactName(save: SaveArtifactCommand): string {
  const dest = save.artifactDest?.text;
  return dest === undefined || dest === "./" ? save.source.text : dest;
}

/**
 * The comment block ending on the line right above `line` (1-based), `#` and one blank stripped from
 * each line, as the parser strips target docs; undefined when that line is no comment.
 */
export function commentAbove(text: string, line: number): string | undefined {
  const lines = text.split("\n");
  const block: string[] = [];
  for (let i = line - 2; i >= 0; i--) {
    const match = /^[ \t]*#(.*?)\r?$/.exec(lines[i]!);
    if (match === null) break;
    block.unshift(match[1]!.replace(/^[ \t]/, ""));
  }
  return block.length === 0 ? undefined : block.join("\n");
}
