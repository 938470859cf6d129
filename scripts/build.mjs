// Builds the CLI that `bin/ebuild.js` runs: src/cli/main.ts bundled by esbuild into dist/cli/main.js
// for Node 20 (ESM), with each lazily imported command split into its own chunk so `ebuild --version`
// loads none of them. Bundling matters for start-up: resolving and loading chevrotain's and our own
// many small modules one by one costs hundreds of milliseconds per run (issue 6).
// Measured against one file without splitting: --version 75 vs 107 ms, `ls` 113 vs 135 ms, a cached
// `+all` the same. tsc only checks types (`npm run typecheck`); nothing needs the .d.ts files.
//   node scripts/build.mjs [--outdir DIR] [--metafile]   (default DIR: dist)   (--metafile also writes dist/meta.json, for esbuild's analyzer)
import { build } from "esbuild";
import { rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({ options: { outdir: { type: "string" }, metafile: { type: "boolean" } } });
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = resolve(root, args.outdir ?? "dist");

await rm(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: { "cli/main": "src/cli/main.ts" },
  outdir,
  bundle: true,
  splitting: true,
  // Chunks sit two folders below the root, as src/cli/commands/*.ts do below it, so a module's
  // `createRequire(import.meta.url)("../../../package.json")` still finds package.json.
  chunkNames: "cli/chunks/[name]-[hash]",
  format: "esm",
  platform: "node",
  target: "node20",
  // Dependencies are bundled too (fewer files to find and load); createRequire gives bundled
  // CommonJS code (grpc-js) a real `require` for Node's built-ins.
  banner: { js: 'import { createRequire as __ebuildCreateRequire } from "node:module"; const require = __ebuildCreateRequire(import.meta.url);' },
  sourcemap: "linked",
  legalComments: "linked",
  metafile: true,
  logLevel: "warning",
});
if (args.metafile) await writeFile(join(outdir, "meta.json"), JSON.stringify(result.metafile));
