/**
 * The bundled CLI that `npm run build` makes: built into a bare copy of the package (bin/ebuild.js,
 * package.json, dist/; no node_modules, no sources), it must answer `--version`, list a fixture's
 * targets and report `lint --format sarif`'s tool version, so nothing it needs at run time is left
 * outside the bundle and package.json is still found from every chunk.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { LspClient } from "../lsp/client.js";

const root = path.join(import.meta.dirname, "..", "..");
const { version } = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { version: string };
let pkg = "";

before(() => {
  pkg = mkdtempSync(path.join(os.tmpdir(), "ebuild-bundle-"));
  mkdirSync(path.join(pkg, "bin"));
  copyFileSync(path.join(root, "bin", "ebuild.js"), path.join(pkg, "bin", "ebuild.js"));
  copyFileSync(path.join(root, "package.json"), path.join(pkg, "package.json"));
  execFileSync(process.execPath, [path.join(root, "scripts", "build.mjs"), "--outdir", path.join(pkg, "dist")], { stdio: "pipe" });
});
after(() => rmSync(pkg, { recursive: true, force: true }));

/** Runs the copied bin/ebuild.js in `cwd`; throws (with its stderr) when it exits non-zero. */
const run = (args: string[], cwd = root) =>
  execFileSync(process.execPath, [path.join(pkg, "bin", "ebuild.js"), ...args], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });

test("npm run build writes one entry file and the commands as chunks beside it", () => {
  assert.ok(existsSync(path.join(pkg, "dist", "cli", "main.js")));
  assert.ok(!existsSync(path.join(pkg, "dist", "cli", "commands")), "no per-file tsc output");
  assert.ok(!existsSync(path.join(pkg, "node_modules")));
});

test("ebuild --version from the bundle prints package.json's version", () => {
  assert.equal(run(["--version"]), `${version}\n`);
});

test("ebuild ls from the bundle lists a fixture's targets", () => {
  assert.equal(run(["ls", "fixtures/projects/go-service"]), "+all\n+base\n+build\n+deps\n+docker\n+integration\n+lint\n+test\n\nFUNCTIONS:\n+GO_BUILD\n");
});

test("ebuild lint --format sarif from the bundle names ebuild's version as the tool's", () => {
  const log = JSON.parse(run(["lint", "--format", "sarif", "examples/hello"])) as { runs: Array<{ tool: { driver: { name: string; version: string } } }> };
  assert.equal(log.runs[0]?.tool.driver.version, version);
});

test("ebuild lsp from the bundle answers initialize and exits 0, its library in its own chunk", async () => {
  const client = new LspClient(root, [path.join(pkg, "bin", "ebuild.js"), "lsp", "--stdio"]);
  const result = (await client.initialize(root)) as { serverInfo: { name: string } };
  assert.equal(result.serverInfo.name, "ebuild");
  assert.equal(await client.close(), 0);
  // The protocol library is bundled only into the lsp command's chunk, never into what other commands load.
  const chunks = readdirSync(path.join(pkg, "dist", "cli", "chunks")).filter((f) => f.endsWith(".js"));
  const carriers = ["../main.js", ...chunks].filter((f) => readFileSync(path.join(pkg, "dist", "cli", "chunks", f), "utf8").includes("textDocument/publishDiagnostics"));
  assert.deepEqual(carriers.map((f) => f.replace(/-[A-Z0-9]+\.js$/, "")), ["lsp"]);
});
