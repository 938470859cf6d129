/**
 * The `local.unique` id of a directory's uploads: stable for one directory on one machine (so a
 * daemon's incremental file sync and cache serve the next build of it), and different for another
 * directory or machine. BuildKit merges ops with the same digest across concurrent builds; without
 * this, two projects uploading `context` with the same patterns to one daemon (CI runners sharing a
 * buildkitd, two checkouts on a laptop) could each be served the other's files.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { sha256Hex } from "../../planner/llb/digest.js";

/** This machine's id for ebuild, kept in the user's state directory; a new one per process if it cannot be kept. */
function machineId(): string {
  const dir = join(process.env.XDG_STATE_HOME || join(homedir(), ".local", "state"), "ebuild");
  const file = join(dir, "machine-id");
  try {
    const known = readFileSync(file, "utf8").trim();
    if (/^[0-9a-f-]{36}$/.test(known)) return known;
  } catch {
    // Not made yet: made below.
  }
  const id = randomUUID();
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, `${id}\n`, { mode: 0o600 });
  } catch {
    // A read-only home: this process's uploads are still kept apart from everyone else's.
  }
  return id;
}

/** `contextId` for the planner: a hash, so the LLB never shows the directory's path. */
export function contextIds(): (directory: string) => string {
  let machine: string | undefined;
  const ids = new Map<string, string>();
  return (directory) => {
    let id = ids.get(directory);
    if (id === undefined) {
      machine ??= machineId();
      id = sha256Hex(new TextEncoder().encode(`${machine}\0${resolve(directory)}`)).slice(0, 32);
      ids.set(directory, id);
    }
    return id;
  };
}
