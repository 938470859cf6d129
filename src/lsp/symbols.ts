/** The outline of a Buildfile: its targets and functions, each with the ARGs it declares. */
import { SymbolKind, type DocumentSymbol } from "vscode-languageserver";
import { eachStatement } from "../lint/walk.js";
import type { Buildfile, Statement } from "../parser/index.js";
import { toRange } from "./positions.js";
import { definitionsOf } from "./targets.js";

export function documentSymbolsOf(buildfile: Buildfile): DocumentSymbol[] {
  const recipes = new Map<string, Statement[]>([...buildfile.targets, ...buildfile.functions].map((n) => [n.name, n.recipe]));
  return definitionsOf(buildfile)
    .filter((d) => d.name !== "base" || recipes.has("base"))
    .map((d) => {
      const symbol: DocumentSymbol = {
        name: d.kind === "target" ? `+${d.name}` : d.name,
        detail: d.kind === "function" ? "FUNCTION" : (d.docs?.split("\n")[0] ?? ""),
        kind: d.kind === "function" ? SymbolKind.Function : SymbolKind.Method,
        range: toRange(d.range),
        selectionRange: toRange(d.nameRange),
        children: argsOf(recipes.get(d.name) ?? []),
      };
      return symbol;
    });
}

function argsOf(recipe: Statement[]): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  eachStatement(recipe, (s) => {
    if (s.kind !== "ARG" || s.name.text === "") return;
    out.push({ name: s.name.text, detail: s.value?.text ?? (s.flags.required ? "required" : ""), kind: SymbolKind.Variable, range: toRange(s.range), selectionRange: toRange(s.name.range) });
  });
  return out;
}
