/** ebuild's version, from package.json (src/cli and the bundle's dist/cli sit at the same depth). */
import { createRequire } from "node:module";

export function ebuildVersion(): string {
  return (createRequire(import.meta.url)("../../package.json") as { version: string }).version;
}
