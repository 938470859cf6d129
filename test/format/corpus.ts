/**
 * The files the formatter is tested over: every Buildfile and Earthfile under fixtures/ and
 * examples/ (the formatter's own golden outputs aside), found afresh on each run so new fixtures
 * are covered without a list to update.
 */
import { readdirSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";

export const root = join(import.meta.dirname, "..", "..");

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (relative(root, path) !== join("fixtures", "format", "corpus")) walk(path, out);
    } else if (name === "Buildfile" || name === "Earthfile" || name.endsWith(".Buildfile")) out.push(path);
  }
}

/** Every fixture Buildfile, as paths relative to the repository root. */
export function fixtureFiles(): string[] {
  const out: string[] = [];
  for (const top of ["fixtures", "examples"]) walk(join(root, top), out);
  return out.map((p) => relative(root, p));
}

/** Where the golden formatted text of a fixture lives: fixtures/parser/blocks/Buildfile → corpus/parser-blocks.Buildfile (an Earthfile keeps its name: projects-both-Earthfile.Buildfile). */
export function goldenOf(fixture: string): string {
  const parts = fixture.split(sep).filter((p) => p !== "fixtures");
  const name = parts.join("-").replace(/\.Buildfile$|-Buildfile$/, "");
  return join("fixtures", "format", "corpus", `${name}.Buildfile`);
}
