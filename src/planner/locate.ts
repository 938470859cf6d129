/**
 * Where a reference points: the directory whose Buildfile holds the target or function. IMPORT
 * aliases resolve against the importing Buildfile; remote repositories need a git source.
 */
import { EbuildError, type SourcePosition } from "../errors.js";
import { joinPath } from "./paths.js";
import { formatHome, type Reference, type ReferenceHome } from "./reference.js";

/** The Buildfile a reference is written in: its directory and its IMPORT aliases. */
export interface ReferringFile {
  directory: string;
  imports: ReadonlyMap<string, ReferenceHome>;
}

/** The absolute directory of the Buildfile a reference names. */
export function directoryOfReference(ref: Reference, from: ReferringFile, at?: SourcePosition): string {
  if (ref.wildcard) {
    throw new EbuildError("semantic", `"${ref.text}": wildcard directories are not supported yet`, {
      at,
      hint: "name each directory in its own BUILD or COPY",
    });
  }
  return directoryOfHome(ref.home, from, ref.text, at);
}

function directoryOfHome(home: ReferenceHome, from: ReferringFile, text: string, at: SourcePosition | undefined): string {
  switch (home.kind) {
    case "here":
      return from.directory;
    case "directory":
      return joinPath(from.directory, home.path);
    case "import": {
      const imported = from.imports.get(home.alias);
      if (imported === undefined) {
        const known = [...from.imports.keys()];
        throw new EbuildError("semantic", `"${text}" uses ${home.alias}, but no IMPORT is named ${home.alias}`, {
          at,
          hint: known.length > 0 ? `the IMPORT aliases here are: ${known.join(", ")}` : `add IMPORT ./${home.alias} (or write ./${home.alias}+…)`,
        });
      }
      if (imported.kind === "import") throw new EbuildError("internal", `IMPORT alias ${home.alias} names another alias`, { at });
      return directoryOfHome(imported, from, text, at);
    }
    case "remote":
      throw new EbuildError("semantic", `"${text}" names the git repository ${formatHome(home)}: remote references need a git server`, {
        at,
        hint: "clone the repository next to this one and reference its directory (../repo+target)",
      });
  }
}
