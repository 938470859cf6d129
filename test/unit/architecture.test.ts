import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";

// The pipeline is the folder layout: parser → planner → buildkit → cli. These rules keep the
// imports pointing one way (see the style guide), so each stage stays testable on its own.
const root = join(import.meta.dirname, "..", "..");
const src = join(root, "src");

function sourceFiles(dir: string): string[] {
  let out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out = out.concat(sourceFiles(path));
    else if (name.endsWith(".ts")) out.push(path);
  }
  return out;
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specifiers: string[] = [];
  const pattern = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;
  for (const match of text.matchAll(pattern)) specifiers.push(match[1] ?? match[2]!);
  return specifiers;
}

/** The folder under src/ that an import resolves to, or the bare module name. */
function targetOf(file: string, specifier: string): string {
  if (!specifier.startsWith(".")) return specifier;
  const resolved = relative(src, join(file, "..", specifier)).split(sep);
  return resolved[0] === "gen" ? `gen/${resolved[1] ?? ""}` : resolved[0]!.replace(/\.js$/, "");
}

const rules: Array<{ stage: string; forbidden: (target: string, specifier: string, file: string) => boolean; why: string }> = [
  { stage: "parser", forbidden: (t) => /^(planner|buildkit|cli|gen|errors)/.test(t) || t.startsWith("node:") || t === "chalk", why: "the parser imports nothing of ours and no node: modules" },
  // The one exception: llb/digest.ts, the one place digests are computed, hashes with node:crypto.
  { stage: "planner", forbidden: (t, _s, f) => /^(buildkit|cli)/.test(t) || (t.startsWith("node:") && !(t === "node:crypto" && f === "planner/llb/digest.ts")) || t === "chalk" || (t.startsWith("gen/") && t !== "gen/pb"), why: "the planner never reaches the client, the CLI, chalk or node: modules (but digest.ts's node:crypto)" },
  { stage: "format", forbidden: (t) => /^(planner|buildkit|cli|gen|errors)/.test(t) || t.startsWith("node:") || t === "chalk", why: "the formatter imports only the parser and no node: modules" },
  { stage: "buildkit", forbidden: (t) => /^(cli|planner)/.test(t) || t === "chalk" || t === "gen/pb", why: "the client knows nothing of the planner or the CLI" },
  { stage: "lsp", forbidden: (t) => /^(buildkit|cli|gen)/.test(t) || t === "chalk", why: "the language server reads the parser, the linter and the planner's references only: no client, CLI or chalk" },
  { stage: "lint", forbidden: (t, s) => /^(buildkit|cli|gen)/.test(t) || (t === "planner" && !s.endsWith("/planner/reference.js")) || t.startsWith("node:") || t === "chalk", why: "the linter reads the AST (and planner/reference) only: no client, CLI, chalk or node: modules" },
];

for (const rule of rules) {
  test(`${rule.stage}: ${rule.why}`, () => {
    const dir = join(src, rule.stage);
    const offences: string[] = [];
    for (const file of sourceFiles(dir)) {
      for (const specifier of importsOf(file)) {
        if (rule.forbidden(targetOf(file, specifier), specifier, relative(src, file).split(sep).join("/"))) offences.push(`${relative(root, file)} imports ${specifier}`);
      }
    }
    assert.deepEqual(offences, []);
  });
}
