#!/usr/bin/env node
// Runs the compiled CLI (`npm run build` makes dist/); in a checkout without it, runs the sources.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const compiled = join(root, "dist", "cli", "main.js");
if (existsSync(compiled)) {
  await import(compiled);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import(join(root, "src", "cli", "main.ts"));
}
