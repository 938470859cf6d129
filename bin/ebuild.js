#!/usr/bin/env node
// Runs the bundled CLI (`npm run build` makes dist/cli/main.js with esbuild); in a checkout
// without it, runs the sources through tsx.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bundle = join(root, "dist", "cli", "main.js");
if (existsSync(bundle)) {
  await import(bundle);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import(join(root, "src", "cli", "main.ts"));
}
