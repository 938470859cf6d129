/**
 * Where a reference points: the directory whose Buildfile holds the target or function. IMPORT
 * aliases resolve against the importing Buildfile; a remote reference names a directory of a git
 * repository at a ref, and relative references in a remote Buildfile stay in that checkout.
 */
import { EbuildError, type SourcePosition } from "../errors.js";
import { joinPath } from "./paths.js";
import type { Reference, ReferenceHome } from "./reference.js";
import { joinRemote, parseRemoteDirectoryKey, remoteDirectory, remoteDirectoryKey } from "./remote.js";

/** The Buildfile a reference is written in: its directory and its IMPORT aliases. */
export interface ReferringFile {
  directory: string;
  imports: ReadonlyMap<string, ReferenceHome>;
}

/** The directory of the Buildfile a reference names: absolute, or a remote directory's key. */
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
    case "directory": {
      const remote = parseRemoteDirectoryKey(from.directory);
      return remote === undefined ? joinPath(from.directory, home.path) : remoteDirectoryKey(joinRemote(remote, home.path, text, at));
    }
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
      return remoteDirectoryKey(remoteDirectory(home.repository, home.ref, home.subdirectory, text, at));
  }
}
