/**
 * Targets and functions across Buildfiles: where each is defined, which words refer to it, and what a
 * reference word resolves to. References are read with the planner's own reference parser and
 * directory rules, unexpanded: a reference holding `$VAR` resolves to nothing rather than to a guess.
 */
import { dirname } from "node:path";
import type { Position } from "vscode-languageserver";
import { referenceWords, type ReferenceUse } from "../lint/references.js";
import type { Buildfile, FunctionDef, ImportCommand, SourceRange, Target, Word } from "../parser/index.js";
import { directoryOfReference } from "../planner/locate.js";
import { parseReference, type Reference, type ReferenceHome } from "../planner/reference.js";
import { headerRange, touches } from "./positions.js";
import type { Workspace } from "./workspace.js";

/** A target or function, named by the Buildfile that defines it. */
export interface BuildSymbol {
  file: string;
  name: string;
  kind: "target" | "function";
}

/** Where a symbol is defined: its header name, and the whole recipe. */
export interface Definition extends BuildSymbol {
  nameRange: SourceRange;
  range: SourceRange;
  docs?: string;
}

/** A word that refers to a symbol, with the symbol it resolves to. */
export interface ReferenceSite {
  word: Word;
  use: ReferenceUse;
  reference: Reference;
  /** Undefined when the reference cannot be followed (a remote repository, a `$VAR`, a wildcard). */
  symbol?: BuildSymbol;
}

export function sameSymbol(a: BuildSymbol, b: BuildSymbol): boolean {
  return a.file === b.file && a.name === b.name && a.kind === b.kind;
}

/** The targets and functions a Buildfile defines, `+base` included when it has a base recipe. */
export function definitionsOf(buildfile: Buildfile): Definition[] {
  const of = (node: Target | FunctionDef, kind: BuildSymbol["kind"]): Definition => {
    const d: Definition = { file: buildfile.file, name: node.name, kind, nameRange: headerRange(node.range, node.name), range: node.range };
    if (node.docs !== undefined) d.docs = node.docs;
    return d;
  };
  const out = [...buildfile.targets.map((t) => of(t, "target")), ...buildfile.functions.map((f) => of(f, "function"))];
  const base = buildfile.baseRecipe.filter((s) => s.kind !== "IMPORT");
  if (base.length > 0 && !out.some((d) => d.name === "base")) {
    const range = { file: buildfile.file, start: base[0]!.range.start, end: base[base.length - 1]!.range.end };
    out.push({ file: buildfile.file, name: "base", kind: "target", nameRange: base[0]!.range, range });
  }
  return out;
}

/** IMPORT aliases of a file (the base recipe's and every target's), as written. */
export function importsOf(buildfile: Buildfile): Map<string, ReferenceHome> {
  const imports = new Map<string, ReferenceHome>();
  const recipes = [buildfile.baseRecipe, ...buildfile.targets.map((t) => t.recipe), ...buildfile.functions.map((f) => f.recipe)];
  for (const statement of recipes.flat()) {
    if (statement.kind !== "IMPORT") continue;
    const home = homeOfImport(statement);
    if (home !== undefined) imports.set(home.alias, home.home);
  }
  return imports;
}

function homeOfImport(statement: ImportCommand): { alias: string; home: ReferenceHome } | undefined {
  const ref = statement.ref.text;
  try {
    const home = parseReference(`${ref}+x`).home;
    const alias = statement.alias?.text ?? ref.replace(/\/+$/, "").split("/").pop() ?? "";
    return alias === "" || alias === "." || alias === ".." ? undefined : { alias, home };
  } catch {
    return undefined;
  }
}

/** The Buildfile a reference names, when it can be found in the workspace. */
export function fileOfReference(workspace: Workspace, buildfile: Buildfile, reference: Reference): string | undefined {
  if (reference.text.includes("$")) return undefined;
  try {
    const directory = directoryOfReference(reference, { directory: dirname(buildfile.file), imports: importsOf(buildfile) });
    return workspace.buildfileIn(directory);
  } catch {
    return undefined;
  }
}

/** Every reference word of a file, each resolved to the symbol it names when possible. */
export function referenceSitesOf(workspace: Workspace, buildfile: Buildfile): ReferenceSite[] {
  const sites: ReferenceSite[] = [];
  for (const { word, use } of referenceWords(buildfile)) {
    const reference = referenceIn(word.text);
    if (reference === undefined) continue;
    const site: ReferenceSite = { word, use, reference };
    const file = fileOfReference(workspace, buildfile, reference);
    if (file !== undefined) site.symbol = { file, name: reference.name, kind: reference.kind === "function" ? "function" : "target" };
    sites.push(site);
  }
  return sites;
}

/** The reference a word spells, if it is one (`alpine:3` and `./src` are not). */
function referenceIn(text: string): Reference | undefined {
  if (!text.includes("+")) return undefined;
  try {
    return parseReference(text);
  } catch {
    return undefined;
  }
}

/** The definition of a symbol, read from its file (open or on disk). */
export function definitionOf(workspace: Workspace, symbol: BuildSymbol): Definition | undefined {
  const buildfile = workspace.parsed(symbol.file)?.result.buildfile;
  if (buildfile === undefined) return undefined;
  return definitionsOf(buildfile).find((d) => sameSymbol(d, symbol));
}

/** What the cursor is on: a header of this file, or a reference word that resolves. */
export function symbolAt(workspace: Workspace, buildfile: Buildfile, at: Position): { symbol: BuildSymbol; site?: ReferenceSite } | undefined {
  const header = definitionsOf(buildfile).find((d) => d.name !== "base" && touches(d.nameRange, at));
  if (header !== undefined) return { symbol: { file: header.file, name: header.name, kind: header.kind } };
  const site = referenceSitesOf(workspace, buildfile).find((s) => touches(s.word.range, at));
  return site?.symbol === undefined ? undefined : { symbol: site.symbol, site };
}

/** Every reference to `symbol` in the workspace's Buildfiles. */
export function referencesTo(workspace: Workspace, symbol: BuildSymbol): ReferenceSite[] {
  const out: ReferenceSite[] = [];
  for (const file of workspace.files()) {
    const buildfile = workspace.parsed(file)?.result.buildfile;
    if (buildfile === undefined) continue;
    for (const site of referenceSitesOf(workspace, buildfile)) if (site.symbol !== undefined && sameSymbol(site.symbol, symbol)) out.push(site);
  }
  return out;
}
