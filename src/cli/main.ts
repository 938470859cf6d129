/**
 * The `ebuild` command line. This file only declares commands; each command's code lives in
 * `commands/` and is imported when that command runs, so `ebuild --help` stays fast.
 */
import { Command, CommanderError } from "commander";
import { ExitCode } from "../errors.js";
import { createRequire } from "node:module";
import { reportFailure } from "./report-failure.js";

const require = createRequire(import.meta.url);
const { version } = require("../../package.json") as { version: string };

/** The "Examples:" block each command's --help ends with. */
const examples = (lines: string) => `\nExamples:${lines}`;

export function buildProgram(): Command {
  const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];
  const program = new Command("ebuild")
    .description("Build Buildfile (and Earthfile) targets on a BuildKit daemon")
    .usage("[options] TARGET [--ARG=value ...] [TARGET ...]")
    .version(version, "--version")
    .option("--debug", "print stack traces of internal errors")
    .argument("[targets...]", "targets to build (+name, ./dir+name), each followed by its --ARG=value build args")
    .option("--buildkit-host <address>", "the daemon: unix://PATH, tcp://HOST:PORT or docker-container://NAME (default: BUILDKIT_HOST, else Docker)")
    .option("--tlscacert <file>", "CA certificate that signed a tcp:// daemon's certificate")
    .option("--tlscert <file>", "client certificate for a tcp:// daemon")
    .option("--tlskey <file>", "client key for a tcp:// daemon")
    .option("--tlsservername <name>", "name the daemon's certificate must carry (default: its host)")
    .option("--push", "push images saved with SAVE IMAGE --push and run RUN --push commands")
    .option("-P, --allow-privileged", "allow RUN --privileged and other privileged work")
    .option("--no-cache", "run every step again, ignoring cached results (they are still cached for later builds)")
    .option("--cache-from <spec>", "import build cache: IMAGE, type=registry,ref=IMAGE, type=local,src=DIR or type=gha (repeatable)", collect)
    .option("--cache-to <spec>", "export build cache: type=inline, type=registry,ref=IMAGE[,mode=max], type=local,dest=DIR or type=gha (repeatable)", collect)
    .option("--remote-cache <image>", "import the registry cache IMAGE, and export to it under --push (as Earthly's --remote-cache)")
    .option("--max-remote-cache", "export every intermediate step to --remote-cache (mode=max)")
    .option("--platform <os/arch[,os/arch…]>", "the platform(s) to build for (default: this machine's); several make one multi-platform image of each SAVE IMAGE name")
    .option("-s, --secret <id[=value]>", "a secret for RUN --secret / --mount type=secret (value from the environment when omitted; repeatable)", collect)
    .option("--secret-file <id=path>", "a secret read from a file (repeatable)", collect)
    .option("--ci", "CI mode: --strict, and no local outputs unless --output is given")
    .option("--strict", "refuse what another machine could not repeat: LOCALLY and RUN --interactive")
    .option("--output [type=tar|docker|oci,dest=FILE]", "write local outputs even under --ci; with a value, write the target's image to a file instead (tar: its file system; docker/oci: an image archive)")
    .option("--no-output", "do not write SAVE ARTIFACT ... AS LOCAL outputs")
    .option("-a, --artifact <+target/path>", "artifact mode: build the target and write only this artifact to the DEST operand (default ./)")
    .option("--image <+target>", "image mode: build the target and output only its image")
    .option("--metadata-file <file>", "write what was built (images with digests, artifacts, pushes) as JSON")
    .option("--progress <mode>", "auto, tty, plain or json")
    .option("-C, --directory <dir>", "run as if started in this directory")
    .enablePositionalOptions()
    .passThroughOptions()
    .showHelpAfterError()
    // Commander reports bad command lines itself; exitOverride lets main() give them exit code 2.
    .exitOverride()
    .addHelpText(
      "after",
      `
Examples:
  ebuild +all                      build +all of ./Buildfile (or ./Earthfile)
  ebuild +test --VERSION=1.2       override an ARG of +test
  ebuild ./services/api+docker     build a target of another directory
  ebuild +lint +test               several targets, one after the other
  ebuild -s NPM_TOKEN +publish     pass a secret from the environment
  ebuild -a +build/dist ./out/     write only the artifact dist of +build into ./out/
  ebuild --image +docker           output only the image of +docker
  ebuild --push +release           push SAVE IMAGE --push images (credentials: docker login)
  ebuild --ci +test                CI: --strict, no local outputs (add --output to write them)
  ebuild --push --cache-to type=inline +release
                                   push the image with its cache; reuse it with --cache-from IMAGE

Defaults come from EBUILD_* (or EARTHLY_*) variables and a .env file: EBUILD_PUSH, EBUILD_CI,
EBUILD_STRICT, EBUILD_NO_CACHE, EBUILD_OUTPUT, EBUILD_NO_OUTPUT, EBUILD_ALLOW_PRIVILEGED,
EBUILD_PLATFORMS, EBUILD_BUILDKIT_HOST, EBUILD_PROGRESS, EBUILD_CACHE_FROM, EBUILD_CACHE_TO,
EBUILD_REMOTE_CACHE, EBUILD_MAX_REMOTE_CACHE, EBUILD_BUILD_ARGS, EBUILD_SECRETS,
EBUILD_SECRET_FILES; build args from .arg, secrets from .secret. A flag beats its variable.

Exit codes: 0 ok, 1 build failed, 2 bad command line or Buildfile, 3 cancelled,
6 no BuildKit daemon answered, 9 privileged work needs -P.`,
    )
    .action(async (targets: string[], options: Record<string, never>, command: Command) => {
      // `--output +t`: commander takes the target for --output's optional value; build() gives it back.
      const named = targets.length > 0 || options.artifact !== undefined || options.image !== undefined || typeof options.output === "string";
      if (!named) return command.help();
      await (await import("./commands/build.js")).build(targets, options);
    });
  program
    .command("doctor")
    .description("check the BuildKit daemon: address, version, workers and platforms, and how to fix what is missing")
    .addHelpText("after", examples(`
  ebuild doctor                          check the daemon ebuild would use
  ebuild doctor --buildkit-host tcp://ci:1234 check a remote buildkitd
  BUILDKIT_HOST=docker-container://bk ebuild doctor check a buildx builder container`))
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
    .addHelpText("after", examples(`
  ebuild du                              the totals and the ten largest entries
  ebuild du -v                           every entry
  ebuild du --filter type==exec.cachemount only RUN --mount=type=cache caches`))
    .option("-v, --verbose", "list every cache entry, not only the largest")
    .action(async (options: Record<string, never>) => (await import("./commands/du.js")).du(options));
  daemonFlags(program.command("prune"))
    .description("free BuildKit's build cache and report what was freed")
    .addHelpText("after", examples(`
  ebuild prune                           free what no build or image uses
  ebuild prune --keep-duration 7d        keep what was used in the last week
  ebuild prune --keep-storage 10GB       shrink the cache to 10 GB
  ebuild prune --filter description~=npm only entries whose description matches`))
    .option("--all", "also remove internal records and layers Docker's images still use")
    .option("--keep-duration <duration>", "keep entries used within this time, e.g. 24h or 7d")
    .option("--keep-storage <size>", "keep the cache below this size, e.g. 10GB or 512MiB")
    .option("-v, --verbose", "list every entry removed")
    .action(async (options: Record<string, never>) => (await import("./commands/prune.js")).prune(options));
  program
    .command("ls")
    .description("list the targets of a Buildfile (or Earthfile), +base included; functions apart")
    .addHelpText("after", examples(`
  ebuild ls                              targets of ./Buildfile
  ebuild ls --args services/api          targets of services/api with their ARGs
  ebuild ls -l                           full references, ./dir+target`))
    .argument("[dir]", "the directory holding the Buildfile (default: the current directory)")
    .option("-a, --args", "show each target's ARGs")
    .option("-l, --long", "show full target references (./dir+target)")
    .action(async (dir: string | undefined, options: { args?: boolean; long?: boolean }) => (await import("./commands/ls.js")).ls(dir, options));
  program
    .command("doc")
    .description("show the doc comments of a Buildfile's targets, or one target's ARGs, artifacts and images")
    .addHelpText("after", examples(`
  ebuild doc                             every documented target of ./Buildfile
  ebuild doc +build                      one target: its doc, ARGs, artifacts and images
  ebuild doc -l ./lib                    every target of ./lib with its inputs and outputs`))
    .argument("[ref]", "DIR, DIR+target or +target (default: the current directory)")
    .option("-l, --long", "show every target's inputs and outputs too")
    .action(async (ref: string | undefined, options: { long?: boolean }) => (await import("./commands/doc.js")).doc(ref, options));
  const debug = program.command("debug").description("look inside ebuild's view of a Buildfile");
  debug
    .command("ast")
    .description("print the syntax tree of a Buildfile as JSON")
    .addHelpText("after", examples(`
  ebuild debug ast Buildfile             the AST of one file
  ebuild debug ast ./lib | jq '.targets[].name' target names of ./lib`))
    .argument("<file>", "a Buildfile or Earthfile, or a directory holding one")
    .action(async (file: string) => (await import("./commands/debug-ast.js")).debugAst(file));
  program
    .command("plan")
    .alias("explain")
    .description("show what building a target would do: the targets it reaches and which SAVE statements fire, and why not")
    .addHelpText("after", examples(`
  ebuild plan +all                       what +all reaches and what it would save
  ebuild plan +release --push --VERSION=2 as ebuild --push +release --VERSION=2 would
  ebuild plan --json +test               the plan as JSON
  ebuild plan --llb +image               the LLB definitions
  ebuild plan --host-commands +deploy    also run a LOCALLY target's IF conditions and $(...) here`))
    .argument("<target>", "the target, +name or ./dir+name, followed by --NAME=value overrides")
    .option("--platform <platform[,platform…]>", "the platform(s) to plan for", "linux/amd64")
    .option("--push", "plan as `ebuild --push` would (RUN --push and SAVE IMAGE --push)")
    .option("--llb", "dump the LLB definitions as JSON")
    .option("--json", "print the plan as JSON")
    .option("--host-commands", "run LOCALLY targets' IF conditions and $(...) on this machine, as a build does, and list them (else they are refused)")
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (_target: string, options: Record<string, string | boolean | undefined>, command: Command) =>
      (await import("./commands/plan.js")).planCommand(command.args, options),
    );
  program
    .command("lint")
    .description("check Buildfiles for mistakes and cache-unfriendly habits; exit 1 on errors, 2 on syntax errors")
    .addHelpText("after", examples(`
  ebuild lint                            lint ./Buildfile
  ebuild lint services/*                 lint several projects
  ebuild lint --format sarif > lint.sarif  for a code-scanning upload
  ebuild lint --list-rules               every rule`))
    .argument("[paths...]", "Buildfiles, Earthfiles or directories holding one (default: .)")
    .option("--format <format>", "text, json or sarif (SARIF 2.1.0, for code-scanning uploads)", "text")
    .option("--rule <id>", "run only this rule (repeatable)", (value: string, previous: string[] | undefined) => [...(previous ?? []), value])
    .option("--list-rules", "list every rule with its level and what it catches")
    .addHelpText("after", "\nSilence a rule on one command with a comment above it: # ebuild-lint-disable-next-line RULE_ID\nor for the whole file: # ebuild-lint-disable-file RULE_ID. See docs/lint.md.")
    .action(async (paths: string[], options: Record<string, never>) => (await import("./commands/lint.js")).lint(paths, options));
  program
    .command("fmt")
    .description("format Buildfiles in the canonical layout: print one, --check them (diff, exit 1) or --write them in place")
    .addHelpText("after", examples(`
  ebuild fmt Buildfile                   print the formatted file
  ebuild fmt --check .                   CI: show a diff and exit 1 if not formatted
  ebuild fmt --write services/*          format in place`))
    .argument("[paths...]", "Buildfiles, or directories holding one (default: .)")
    .option("--check", "print a unified diff for each file that is not formatted and exit 1; change nothing")
    .option("--write", "rewrite the files that are not formatted, in place")
    .action(async (paths: string[], options: Record<string, never>) => (await import("./commands/fmt.js")).fmt(paths, options));
  program
    .command("lsp")
    .description("run the Buildfile language server on stdin/stdout, for editors: diagnostics, hover, definitions, references, completion, outline")
    .option("--stdio", "talk over stdin and stdout (the default; accepted because editors pass it)")
    .addHelpText("after", "\nSee docs/lsp.md for wiring it into VS Code (editors/vscode) or Neovim.")
    .action(async () => (await import("./commands/lsp.js")).lsp());
  return program;
}

async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and --version end here with 0; a bad command line was already explained by commander.
      process.exitCode = error.exitCode === 0 ? 0 : ExitCode.usage;
      return;
    }
    process.exitCode = reportFailure(error, { debug: program.opts().debug === true });
  }
}

await main(process.argv);
