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
    .description("list the targets of a Buildfile (or Earthfile), +base included; functions apart")
    .argument("[dir]", "the directory holding the Buildfile (default: the current directory)")
    .option("-a, --args", "show each target's ARGs")
    .option("-l, --long", "show full target references (./dir+target)")
    .action(async (dir: string | undefined, options: { args?: boolean; long?: boolean }) => (await import("./commands/ls.js")).ls(dir, options));
  program
    .command("doc")
    .description("show the doc comments of a Buildfile's targets, or one target's ARGs, artifacts and images")
    .argument("[ref]", "DIR, DIR+target or +target (default: the current directory)")
    .option("-l, --long", "show every target's inputs and outputs too")
    .action(async (ref: string | undefined, options: { long?: boolean }) => (await import("./commands/doc.js")).doc(ref, options));
  const debug = program.command("debug").description("look inside ebuild's view of a Buildfile");
  debug
    .command("ast")
    .description("print the syntax tree of a Buildfile as JSON")
    .argument("<file>", "a Buildfile or Earthfile, or a directory holding one")
    .action(async (file: string) => (await import("./commands/debug-ast.js")).debugAst(file));
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
