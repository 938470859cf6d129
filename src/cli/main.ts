/**
 * The `ebuild` command line. This file only declares commands; each command's code lives in
 * `commands/` and is imported when that command runs, so `ebuild --help` stays fast.
 */
import { Command } from "commander";
import { createRequire } from "node:module";
import { reportFailure } from "./report-failure.js";

const require = createRequire(import.meta.url);
const { version } = require("../../package.json") as { version: string };

export function buildProgram(): Command {
  const program = new Command("ebuild")
    .description("Build Buildfile (and Earthfile) targets on a BuildKit daemon")
    .version(version, "--version")
    .option("--debug", "print stack traces of internal errors")
    .showHelpAfterError();
  program
    .command("doctor")
    .description("check the BuildKit daemon: address, version, workers and platforms, and how to fix what is missing")
    .option("--buildkit-host <address>", "the daemon: unix://PATH, tcp://HOST:PORT or docker-container://NAME (default: BUILDKIT_HOST, else Docker)")
    .option("--tlscacert <file>", "CA certificate that signed a tcp:// daemon's certificate")
    .option("--tlscert <file>", "client certificate for a tcp:// daemon")
    .option("--tlskey <file>", "client key for a tcp:// daemon")
    .option("--tlsservername <name>", "name the daemon's certificate must carry (default: its host)")
    .action(async (options: Record<string, string | undefined>) => (await import("./commands/doctor.js")).doctor(options));
  program
    .command("ls")
    .argument("[dir]", "directory of the Buildfile (default: .)")
    .description("list the targets of a Buildfile (else Earthfile), +base included; functions apart")
    .option("--args", "show each target's ARGs")
    .action(async (dir: string | undefined, options: { args?: boolean }) => (await import("./commands/ls.js")).ls(dir, options));
  program
    .command("doc")
    .argument("[ref]", "DIR, DIR+target or +target")
    .description("show the doc comments of a Buildfile's targets (one target in full with +target)")
    .option("--long", "also show each target's args, artifacts and images")
    .action(async (ref: string | undefined, options: { long?: boolean }) => (await import("./commands/doc.js")).doc(ref, options));
  program
    .command("debug")
    .description("inspect how ebuild reads a Buildfile")
    .command("ast")
    .argument("[path]", "a Buildfile, or its directory (default: .)")
    .description("print the parsed syntax tree as JSON")
    .action(async (path: string | undefined) => (await import("./commands/debug-ast.js")).debugAst(path));
  return program;
}

async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    process.exitCode = reportFailure(error, { debug: program.opts().debug === true });
  }
}

await main(process.argv);
