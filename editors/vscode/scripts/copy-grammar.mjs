// Copies the repository's TextMate grammar (grammar/buildfile.tmLanguage.json, the one source of truth)
// into this extension, where package.json's contributes.grammars points: an extension may only ship
// files inside its own folder. The copy is not checked in.
//   node scripts/copy-grammar.mjs [--out FILE]   (default: syntaxes/buildfile.tmLanguage.json)
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const here = join(dirname(fileURLToPath(import.meta.url)), "..");
const { values: args } = parseArgs({ options: { out: { type: "string" } } });
const source = join(here, "..", "..", "grammar", "buildfile.tmLanguage.json");
const out = resolve(here, args.out ?? "syntaxes/buildfile.tmLanguage.json");
mkdirSync(dirname(out), { recursive: true });
copyFileSync(source, out);
