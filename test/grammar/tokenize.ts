/**
 * Tokenizes Buildfile text with the real TextMate engine (vscode-textmate on the Oniguruma WASM build
 * that VS Code uses), so the tests see exactly what an editor would.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import oniguruma from "vscode-oniguruma";
import textmate from "vscode-textmate";

const require = createRequire(import.meta.url);
const grammarPath = fileURLToPath(new URL("../../grammar/buildfile.tmLanguage.json", import.meta.url));

/** One token: its line, its text and the scopes an editor would apply to it. */
export interface Token {
  line: number;
  start: number;
  end: number;
  text: string;
  scopes: string[];
}

let grammar: Promise<textmate.IGrammar> | undefined;

function loadGrammar(): Promise<textmate.IGrammar> {
  grammar ??= (async () => {
    const wasm = readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const registry = new textmate.Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
        createOnigString: (text: string) => new oniguruma.OnigString(text),
      }),
      loadGrammar: async (scopeName: string) =>
        scopeName === "source.buildfile" ? textmate.parseRawGrammar(readFileSync(grammarPath, "utf8"), grammarPath) : null,
    });
    const loaded = await registry.loadGrammar("source.buildfile");
    if (loaded === null) throw new Error(`cannot load ${grammarPath}`);
    return loaded;
  })();
  return grammar;
}

/** Tokenizes the lines in order, carrying the rule stack across lines as an editor does. */
export async function tokenize(lines: string[]): Promise<Token[]> {
  const loaded = await loadGrammar();
  const tokens: Token[] = [];
  let stack = textmate.INITIAL;
  lines.forEach((text, line) => {
    const result = loaded.tokenizeLine(text, stack);
    for (const token of result.tokens) {
      const end = Math.min(token.endIndex, text.length);
      if (end > token.startIndex) {
        tokens.push({ line, start: token.startIndex, end, text: text.slice(token.startIndex, end), scopes: token.scopes });
      }
    }
    stack = result.ruleStack;
  });
  return tokens;
}

/** True when `scopes` holds `scope` itself or a more specific scope under it (`a.b` covers `a.b.c`). */
export function hasScope(scopes: string[], scope: string): boolean {
  return scopes.some((s) => s === scope || s.startsWith(scope + "."));
}
