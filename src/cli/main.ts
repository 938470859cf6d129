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
  const daemonFlags = (command: Command) =>
    command
      .option("--buildkit-host <address>", "the daemon: unix://PATH, tcp://HOST:PORT or docker-container://NAME (default: BUILDKIT_HOST, else Docker)")
      .option("--tlscacert <file>", "CA certificate that signed a tcp:// daemon's certificate")
      .option("--tlscert <file>", "client certificate for a tcp:// daemon")
      .option("--tlskey <file>", "client key for a tcp:// daemon")
      .option("--tlsservername <name>", "name the daemon's certificate must carry (default: its host)")
      .option("--filter <filter>", "only cache entries matching a BuildKit filter, e.g. type==regular or description~=npm (repeatable)", (value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
  daemonFlags(program.command("du"))
    .description("show the BuildKit cache's disk usage: total, reclaimable and the largest entries")
    .option("-v, --verbose", "list every cache entry, not only the largest")
    .action(async (options: Record<string, never>) => (await import("./commands/du.js")).du(options));
  daemonFlags(program.command("prune"))
    .description("free BuildKit's build cache and report what was freed")
    .option("--all", "also remove internal records and layers Docker's images still use")
    .option("--keep-duration <duration>", "keep entries used within this time, e.g. 24h or 7d")
    .option("--keep-storage <size>", "keep the cache below this size, e.g. 10GB or 512MiB")
    .option("-v, --verbose", "list every entry removed")
    .action(async (options: Record<string, never>) => (await import("./commands/prune.js")).prune(options));
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
