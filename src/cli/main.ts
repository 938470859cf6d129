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
    .command("plan")
    .description("show what building a target would do: the targets it reaches and which SAVE statements fire, and why not")
    .argument("<target>", "the target, +name or ./dir+name, followed by --NAME=value overrides")
    .option("--platform <platform>", "the platform to plan for", "linux/amd64")
    .option("--push", "plan as `ebuild --push` would (RUN --push and SAVE IMAGE --push)")
    .option("--llb", "dump the LLB definitions as JSON")
    .option("--json", "print the plan as JSON")
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (_target: string, options: Record<string, string | boolean | undefined>, command: Command) =>
      (await import("./commands/plan.js")).planCommand(command.args, options),
    );
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
