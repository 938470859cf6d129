import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

/**
 * The build contexts a session serves, by the planner's names: `context` is the entry Buildfile's
 * directory and `context:<relative dir>` another Buildfile's. Names are resolved when the daemon
 * asks (planning may need a context before the Plan lists it), and only directories that hold a
 * Buildfile or an Earthfile are served: the daemon cannot ask for an arbitrary folder.
 */
export class ContextDirectories implements ReadonlyMap<string, string> {
  constructor(private readonly entryDirectory: string) {}

  get(name: string): string | undefined {
    let dir: string;
    if (name === "context") dir = this.entryDirectory;
    else if (name.startsWith("context:")) dir = resolve(this.entryDirectory, name.slice("context:".length));
    else return undefined;
    const isProject = ["Buildfile", "Earthfile"].some((file) => existsSync(join(dir, file)));
    return isProject && statSync(dir).isDirectory() ? dir : undefined;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  get size(): number {
    return 0;
  }

  forEach(): void {}

  *entries(): MapIterator<[string, string]> {}
  *keys(): MapIterator<string> {}
  *values(): MapIterator<string> {}
  [Symbol.iterator](): MapIterator<[string, string]> {
    return this.entries();
  }
}
