/**
 * The target named on the command line as the planner's entry: a directory (absolute, or a remote
 * directory's key for `host/org/repo/sub:ref+t`) and a name, and where outputs of remote targets go.
 */
import { resolve } from "node:path";
import { EbuildError } from "../errors.js";
import { directoryOfReference } from "../planner/locate.js";
import { parseReference } from "../planner/reference.js";

export interface CommandLineEntry {
  directory: string;
  name: string;
  /** Set for a remote entry: its AS LOCAL artifacts are written under the working directory. */
  outputDirectory?: string;
  remote: boolean;
}

export function entryOf(text: string, cwd: string): CommandLineEntry {
  const ref = parseReference(text);
  if (ref.kind !== "target") throw new EbuildError("usage", `${text} is not a target`, { hint: "write +name, ./dir+name or host/org/repo:ref+name" });
  if (ref.home.kind === "import") {
    throw new EbuildError("usage", `${text}: IMPORT aliases are not known on the command line`, { hint: "write the directory (./dir+target) or the repository (host/org/repo+target)" });
  }
  if (ref.home.kind === "remote") {
    return { directory: directoryOfReference(ref, { directory: cwd, imports: new Map() }), name: ref.name, outputDirectory: cwd, remote: true };
  }
  return { directory: ref.home.kind === "here" ? cwd : resolve(cwd, ref.home.path), name: ref.name, remote: false };
}
