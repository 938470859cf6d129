/**
 * What every command and flag of the language does, in a sentence or two: the text editors show on
 * hover and beside completions. grammar/reference.md says the same at length; a test keeps the flags
 * here equal to the ones the parser accepts and each command tied to its section of the reference.
 */

/** How a flag takes its value: a switch, or a value after `=` or a blank. */
export type FlagValue = "switch" | "value";

export interface FlagDoc {
  /** The spelling with its dashes, e.g. `--keep-ts` (or `-f`). */
  name: string;
  value: FlagValue;
  /** A placeholder for the value in the synopsis (`<p>`), for value flags. */
  placeholder?: string;
  doc: string;
  /** `deprecated`: accepted for existing Earthfiles; `rejected`: parsed only to explain the error. */
  status?: "deprecated" | "rejected";
}

export interface CommandDoc {
  /** As written at the start of a line: `RUN`, `SAVE ARTIFACT`, `ELSE IF`. */
  keyword: string;
  /** The command's shape, one form per line. */
  synopsis: string;
  doc: string;
  flags: readonly FlagDoc[];
  /** The `###` heading of grammar/reference.md that describes it. */
  section: string;
  /** Block keywords continue or close a block rather than start a statement. */
  block?: "opens" | "continues" | "closes";
  status?: "deprecated" | "rejected";
}

const sw = (name: string, doc: string, status?: FlagDoc["status"]): FlagDoc => (status === undefined ? { name, value: "switch", doc } : { name, value: "switch", doc, status });
const val = (name: string, placeholder: string, doc: string, status?: FlagDoc["status"]): FlagDoc =>
  status === undefined ? { name, value: "value", placeholder, doc } : { name, value: "value", placeholder, doc, status };

const platform = val("--platform", "<os/arch>", "the platform to build the referenced target (or pull the image) for");
const allowPrivileged = sw("--allow-privileged", "let the referenced target run privileged commands (you still need `ebuild -P`)");
const passArgs = sw("--pass-args", "forward every argument of this target to the referenced one");
const buildArg = val("--build-arg", "<NAME=value>", "the old spelling of `--NAME=value` after the reference", "deprecated");

/** RUN's flags that IF and FOR share: they shape the container the condition runs in. */
const execFlags: readonly FlagDoc[] = [
  sw("--privileged", "run in a privileged container (needs `ebuild -P`)"),
  sw("--ssh", "forward the ssh agent of the machine running ebuild"),
  sw("--no-cache", "always run, never from the cache, and everything after it in the target too"),
  val("--secret", "<ENV>=<id>", "expose a secret as an environment variable (`--secret TOKEN` or `--secret ENV=id`); it never reaches a layer"),
  val("--mount", "<spec>", "mount a cache, tmpfs or secret: `type=cache|tmpfs|secret` with `target=`, `id=`, `mode=`, `sharing=locked|shared|private`"),
];

/** Every command, in the order of grammar/reference.md. */
export const commandDocs: readonly CommandDoc[] = [
  {
    keyword: "VERSION",
    synopsis: "VERSION [--<feature>...] 0.8",
    doc: "The language version the file is written for (0.7 or 0.8), with feature flags that switch on newer behaviour (`--try`, `--wildcard-builds`...). The first command of the file.",
    flags: [],
    section: "VERSION and feature flags",
  },
  {
    keyword: "FROM",
    synopsis: "FROM <image>\nFROM [--platform <p>] [--allow-privileged] [--pass-args] <target-ref> [--NAME=value...]",
    doc: "Starts the target from an image (`FROM alpine:3.20`) or from another target's result (`FROM +build`). The SAVE statements of a target reached through FROM do not fire; use BUILD for that.",
    flags: [platform, allowPrivileged, passArgs, buildArg],
    section: "FROM",
  },
  {
    keyword: "FROM DOCKERFILE",
    synopsis: "FROM DOCKERFILE [-f <path|artifact-ref>] [--build-arg K=V]... [--target <stage>] [--platform <p>] <context-dir|artifact-ref>",
    doc: "Builds a Dockerfile and starts from the result. The context is a directory or an artifact; a host context honours `.dockerignore`.",
    flags: [
      val("-f", "<path|artifact-ref>", "the Dockerfile to build, when it is not `<context>/Dockerfile`"),
      val("--target", "<stage>", "the Dockerfile stage to build"),
      val("--platform", "<os/arch>", "the platform to build the Dockerfile for"),
      sw("--allow-privileged", "let the Dockerfile's RUNs be privileged (needs the feature flag `--allow-privileged-from-dockerfile`)"),
      val("--build-arg", "<K=V>", "a build argument of the Dockerfile"),
    ],
    section: "FROM DOCKERFILE",
  },
  {
    keyword: "LOCALLY",
    synopsis: "LOCALLY",
    doc: "Replaces FROM: the following commands run on your machine, in the Buildfile's directory, and are never cached.",
    flags: [],
    section: "LOCALLY",
  },
  {
    keyword: "RUN",
    synopsis: "RUN [flags] [--] <shell command>\nRUN [flags] [\"executable\", \"arg\", ...]",
    doc: "Runs a command in the build container: the shell form through `/bin/sh -c`, the exec form (a JSON array of strings) directly. Variables are expanded by the shell, not by ebuild.",
    flags: [
      ...execFlags,
      sw("--push", "run only under `ebuild --push`, after the build has succeeded; never cached"),
      sw("--entrypoint", "prepend the image's ENTRYPOINT to the command"),
      val("--network", "none", "`--network=none`: run without a network"),
      sw("--interactive", "open an interactive shell (the last command of a target)"),
      sw("--interactive-keep", "like `--interactive`, and keep what the shell changed"),
      sw("--aws", "make the machine's AWS credentials available (Earthly; not supported by ebuild)"),
      val("--oidc", "<spec>", "AWS credentials through OIDC (Earthly; not supported by ebuild)"),
      sw("--raw-output", "print output lines without the target prefix (feature `--raw-output`)"),
      sw("--with-docker", "the old spelling of a WITH DOCKER block", "deprecated"),
    ],
    section: "RUN",
  },
  {
    keyword: "COPY",
    synopsis: "COPY [flags] <src>... <dest>\nCOPY [flags] <artifact-ref>... <dest>\nCOPY [flags] (<artifact-ref> --NAME=value...) <dest>",
    doc: "Copies files from the Buildfile's directory, or artifacts of other targets (`+build/dist`), into the build. Only the files COPY names are sent to the daemon.",
    flags: [
      sw("--dir", "copy directories themselves (like `cp -r`), not their contents"),
      sw("--keep-ts", "keep modification times (by default copied files get a fixed time)"),
      sw("--keep-own", "keep owners (artifacts)"),
      val("--chmod", "<octal>", "set the mode of the copied files"),
      val("--chown", "<user:group>", "set the owner of the copied files"),
      sw("--if-exists", "a missing source is not an error"),
      sw("--symlink-no-follow", "copy symbolic links themselves"),
      platform,
      allowPrivileged,
      passArgs,
      buildArg,
      val("--from", "<stage>", "does not exist in Buildfiles: copy an artifact reference (`COPY +target/path .`) instead", "rejected"),
    ],
    section: "COPY",
  },
  {
    keyword: "ARG",
    synopsis: "ARG [--required] [--global] <name>[=<default>]",
    doc: "Declares a build argument, overridable with `--name=value` on the command line or after a reference. Everything after the first `=` is the default, spaces included.",
    flags: [sw("--required", "the argument must be given: no default allowed"), sw("--global", "in the base recipe: visible in every target of the file")],
    section: "ARG, LET, SET",
  },
  { keyword: "LET", synopsis: "LET <name>=<value>", doc: "Declares a local variable that no caller can override; change it with SET.", flags: [], section: "ARG, LET, SET" },
  { keyword: "SET", synopsis: "SET <name>=<value>", doc: "Changes the value of a variable declared with LET.", flags: [], section: "ARG, LET, SET" },
  {
    keyword: "ENV",
    synopsis: "ENV <key>=<value> [<key>=<value>...]\nENV <key> <value with spaces>",
    doc: "Sets environment variables in the image and for the following commands. Values are expanded; keys are not.",
    flags: [],
    section: "ENV",
  },
  { keyword: "LABEL", synopsis: "LABEL <key>=<value> [<key>=<value>...]", doc: "Sets image labels, with the same pair syntax as ENV. Keys starting with `dev.earthly.` are reserved.", flags: [], section: "LABEL" },
  { keyword: "WORKDIR", synopsis: "WORKDIR <path>", doc: "Sets (and creates) the working directory of the following commands and of the image.", flags: [], section: "WORKDIR, USER" },
  { keyword: "USER", synopsis: "USER <user>[:<group>]", doc: "Sets the user of the following commands and of the image.", flags: [], section: "WORKDIR, USER" },
  { keyword: "ENTRYPOINT", synopsis: "ENTRYPOINT [\"executable\", \"arg\"...]\nENTRYPOINT <command line>", doc: "The image's entrypoint, as in a Dockerfile. The shell form runs through `/bin/sh -c`.", flags: [], section: "ENTRYPOINT, CMD" },
  { keyword: "CMD", synopsis: "CMD [\"executable\", \"arg\"...]\nCMD <command line>", doc: "The image's default command, as in a Dockerfile.", flags: [], section: "ENTRYPOINT, CMD" },
  { keyword: "EXPOSE", synopsis: "EXPOSE <port>[/<protocol>]...", doc: "Records ports in the image. Each argument is expanded and then split into words.", flags: [], section: "EXPOSE, VOLUME" },
  { keyword: "VOLUME", synopsis: "VOLUME <path>...\nVOLUME [\"/a\", \"/b\"]", doc: "Records volumes in the image; each argument is one path.", flags: [], section: "EXPOSE, VOLUME" },
  {
    keyword: "HEALTHCHECK",
    synopsis: "HEALTHCHECK NONE\nHEALTHCHECK [--interval=30s] [--timeout=30s] [--start-period=0s] [--start-interval=5s] [--retries=3] CMD <command>",
    doc: "The image's health check, as in a Dockerfile (shell form of CMD only).",
    flags: [
      val("--interval", "<duration>", "time between two checks (default 30s)"),
      val("--timeout", "<duration>", "how long one check may take (default 30s)"),
      val("--start-period", "<duration>", "start-up time during which failures do not count (default 0s)"),
      val("--retries", "<n>", "failures in a row before the container is unhealthy (default 3)"),
      val("--start-interval", "<duration>", "time between checks during the start period (default 5s)"),
    ],
    section: "HEALTHCHECK",
  },
  {
    keyword: "SAVE ARTIFACT",
    synopsis: "SAVE ARTIFACT [flags] <src> [<artifact-path>] [AS LOCAL <host-path>]",
    doc: "Makes `<src>` an artifact of the target, which other targets copy with `COPY +target/path`. With `AS LOCAL`, also writes it to your machine when the target is output and the whole build succeeded.",
    flags: [
      sw("--keep-ts", "keep modification times"),
      sw("--keep-own", "keep owners"),
      sw("--if-exists", "skip silently when `<src>` is missing"),
      sw("--symlink-no-follow", "save symbolic links themselves"),
      sw("--force", "allow an `AS LOCAL` path outside the Buildfile's directory"),
    ],
    section: "SAVE ARTIFACT",
  },
  {
    keyword: "SAVE IMAGE",
    synopsis: "SAVE IMAGE [--push] [--no-manifest-list] [<name>...]",
    doc: "Names the target's result as an image, loaded into the local image store when the target is output; `--push` also pushes it under `ebuild --push`.",
    flags: [
      sw("--push", "push the image under `ebuild --push`"),
      sw("--no-manifest-list", "push a single-platform image without an index"),
      sw("--cache-hint", "make the image's layers available as cache (Earthly)"),
      sw("--insecure", "push to a registry over plain HTTP"),
      val("--cache-from", "<image>", "use an image as a source of build cache"),
      sw("--without-earthly-labels", "do not add Earthly's `dev.earthly.*` labels"),
    ],
    section: "SAVE IMAGE",
  },
  {
    keyword: "BUILD",
    synopsis: "BUILD [--platform <p>]... [--allow-privileged] [--pass-args] [--auto-skip] <target-ref> [--NAME=value...]",
    doc: "Builds another target and, unlike FROM and COPY, makes its outputs (SAVE IMAGE, SAVE ARTIFACT AS LOCAL) count. Repeating an argument builds once per value.",
    flags: [
      val("--platform", "<os/arch>", "a platform to build the target for; repeat it for a multi-platform build"),
      allowPrivileged,
      passArgs,
      sw("--auto-skip", "skip the target when its inputs did not change (feature `--build-auto-skip`)"),
      buildArg,
    ],
    section: "BUILD",
  },
  {
    keyword: "DO",
    synopsis: "DO [--allow-privileged] [--pass-args] <function-ref> [--NAME=value...]",
    doc: "Runs a FUNCTION's commands in place, in this target's container.",
    flags: [allowPrivileged, passArgs],
    section: "DO",
  },
  {
    keyword: "IMPORT",
    synopsis: "IMPORT [--allow-privileged] <buildfile-ref> [AS <alias>]",
    doc: "Gives another Buildfile a short name: `IMPORT ./tools/lib AS lib`, then `DO lib+INSTALL`. The alias defaults to the last path element.",
    flags: [sw("--allow-privileged", "let the imported Buildfile's targets run privileged commands"), passArgs],
    section: "IMPORT",
  },
  {
    keyword: "CACHE",
    synopsis: "CACHE [--sharing locked|shared|private] [--chmod <octal>] [--id <id>] [--persist] <path>",
    doc: "Mounts a persistent cache at `<path>` for the following RUNs of the target.",
    flags: [
      val("--sharing", "locked|shared|private", "how concurrent builds share the cache (default `locked`)"),
      val("--chmod", "<octal>", "the mode of the cache directory (default 0644)"),
      val("--id", "<id>", "share the cache across targets and Buildfiles"),
      sw("--persist", "copy the cache's contents into the image"),
    ],
    section: "CACHE",
  },
  { keyword: "HOST", synopsis: "HOST <hostname> <ip>", doc: "Adds an `/etc/hosts` entry for the following RUNs.", flags: [], section: "HOST" },
  {
    keyword: "GIT CLONE",
    synopsis: "GIT CLONE [--branch <ref>] [--keep-ts] <url> <dest>",
    doc: "A shallow clone of a repository into `<dest>`, cached by commit.",
    flags: [val("--branch", "<ref>", "the branch, tag or commit to clone"), sw("--keep-ts", "keep the files' modification times")],
    section: "GIT CLONE",
  },
  { keyword: "PROJECT", synopsis: "PROJECT <org>/<project>", doc: "Accepted for compatibility with Earthly Cloud; has no effect.", flags: [], section: "PROJECT" },
  {
    keyword: "FUNCTION",
    synopsis: "NAME:\n    FUNCTION\n    ...",
    doc: "The first line of a function: a recipe called with `DO +NAME` that runs in the caller's container.",
    flags: [],
    section: "Functions",
  },
  {
    keyword: "COMMAND",
    synopsis: "NAME:\n    COMMAND\n    ...",
    doc: "The VERSION 0.7 spelling of FUNCTION.",
    flags: [],
    section: "Functions",
    status: "deprecated",
  },
  {
    keyword: "WITH DOCKER",
    synopsis: "WITH DOCKER [--pull <image>]... [--load [<name>=]<target-ref>]... [--compose <file>]... [--service <svc>]...\n    RUN <command>\nEND",
    doc: "Runs one RUN with a Docker daemon inside the build container, with images pulled or built from targets loaded into it. Implies `RUN --privileged`.",
    flags: [
      val("--pull", "<image>", "make an image available to the inner daemon"),
      val("--load", "[<name>=]<target-ref>", "build a target and load it as an image: `--load app:dev=(+image --MODE=dev)`"),
      val("--compose", "<file>", "a compose file whose services start first"),
      val("--service", "<svc>", "start only these compose services"),
      platform,
      allowPrivileged,
      passArgs,
      val("--cache-id", "<id>", "the id of the inner daemon's cache (Earthly)"),
      buildArg,
    ],
    section: "WITH DOCKER … END",
    block: "opens",
  },
  {
    keyword: "IF",
    synopsis: "IF [flags] <condition>\n    ...\nELSE IF [flags] <condition>\n    ...\nELSE\n    ...\nEND",
    doc: "A shell condition run in the build container; exit code 0 means true: `IF [ \"$MODE\" = release ]`.",
    flags: execFlags,
    section: "IF / ELSE IF / ELSE / END",
    block: "opens",
  },
  { keyword: "ELSE IF", synopsis: "ELSE IF [flags] <condition>", doc: "Another arm of an IF block, tried when the arms above were false.", flags: execFlags, section: "IF / ELSE IF / ELSE / END", block: "continues" },
  { keyword: "ELSE", synopsis: "ELSE", doc: "The arm of an IF block that runs when every condition was false.", flags: [], section: "IF / ELSE IF / ELSE / END", block: "continues" },
  {
    keyword: "FOR",
    synopsis: "FOR [--sep <chars>] [flags] <variable> IN <expression>\n    ...\nEND",
    doc: "Runs the body once per word of the expression (a constant, `$VAR` or `$(command)`). The loop variable behaves like an ARG inside the body.",
    flags: [val("--sep", "<chars>", "the characters that split the expression (default newline, tab and space)"), ...execFlags],
    section: "FOR … IN … END",
    block: "opens",
  },
  { keyword: "WAIT", synopsis: "WAIT\n    ...\nEND", doc: "Everything in the block, pushes and local outputs included, finishes before anything after it starts.", flags: [], section: "WAIT … END", block: "opens" },
  { keyword: "TRY", synopsis: "TRY\n    RUN <command>\nFINALLY\n    SAVE ARTIFACT <src> AS LOCAL <dest>\nEND", doc: "Saves the FINALLY artifacts even when the RUN fails. Needs `VERSION --try`.", flags: [], section: "TRY … FINALLY … END", block: "opens" },
  { keyword: "CATCH", synopsis: "CATCH", doc: "Parsed but rejected: use FINALLY.", flags: [], section: "TRY … FINALLY … END", block: "continues", status: "rejected" },
  { keyword: "FINALLY", synopsis: "FINALLY", doc: "The part of a TRY block that runs whether or not the RUN failed; only `SAVE ARTIFACT … AS LOCAL`.", flags: [], section: "TRY … FINALLY … END", block: "continues" },
  { keyword: "END", synopsis: "END", doc: "Closes an IF, FOR, WAIT, TRY or WITH DOCKER block.", flags: [], section: "IF / ELSE IF / ELSE / END", block: "closes" },
  ...["ADD", "SHELL", "ONBUILD", "STOPSIGNAL"].map(
    (keyword): CommandDoc => ({
      keyword,
      synopsis: keyword,
      doc: `Dockerfile's ${keyword} is not part of the language: ${keyword === "ADD" ? "use COPY, or GIT CLONE for repositories" : keyword === "SHELL" ? "run the shell explicitly in RUN" : "it is rejected"}.`,
      flags: [],
      section: "Rejected commands",
      status: "rejected",
    }),
  ),
];

/** The doc of a command by its keyword (`SAVE ARTIFACT`, `RUN`), if it is one. */
export function commandDoc(keyword: string): CommandDoc | undefined {
  return commandDocs.find((c) => c.keyword === keyword);
}

/** The doc of a flag of a command, by its spelling without any `=value`. */
export function flagDoc(command: CommandDoc, name: string): FlagDoc | undefined {
  return command.flags.find((f) => f.name === name);
}
