/**
 * The typed syntax tree of a Buildfile (or Earthfile). The planner, the formatter and the linter all
 * start from these types, so they change only by addition.
 *
 * Every node carries its `range`. Arguments stay `Word`s exactly as written (quotes, `$VAR`, `$(...)`
 * intact): expansion follows Dockerfile rules and belongs to the planner. Flags are parsed into typed
 * values here, so nobody downstream re-reads `--flag` strings.
 */

/** A point in a source file; `line` and `column` count from 1, `offset` from 0 (UTF-16 units). */
export interface SourcePoint {
  line: number;
  column: number;
  offset: number;
}

/** The span of a node in its file; `end` is exclusive. */
export interface SourceRange {
  file: string;
  start: SourcePoint;
  end: SourcePoint;
}

/** One argument exactly as written in the file. */
export interface Word {
  text: string;
  range: SourceRange;
}

/** `--NAME=value` (or a bare `--NAME`) given to BUILD, FROM, DO, COPY or WITH DOCKER --load. */
export interface ArgOverride {
  name: string;
  value?: Word;
  range: SourceRange;
}

/** A KEY=value pair of ENV or LABEL; `value` is raw (quotes kept). */
export interface KeyValue {
  key: Word;
  value: Word;
  range: SourceRange;
}

/**
 * The command line of RUN, CMD, ENTRYPOINT, IF and HEALTHCHECK CMD. Shell form keeps `text` as
 * written with line continuations joined; exec form (`["exe", "arg"]`) has the parsed `exec` strings.
 */
export interface CommandLine {
  form: "shell" | "exec";
  /** The words of the command as written. */
  command: Word[];
  /** Shell form: the command text, continuations joined. Exec form: the JSON text as written. */
  text: string;
  /** Exec form only: the JSON array's strings. */
  exec?: string[];
}

/** `--mount=type=cache,target=/p,...`, kept raw and split into its comma-separated keys. */
export interface MountSpec {
  /** The value after `--mount=` as written. */
  spec: Word;
  /** `type=` when given (cache, tmpfs, secret, bind-experimental, ...). */
  type?: string;
  /** Every `key=value` (or bare `key`) in order, values unexpanded. */
  options: { key: string; value?: string }[];
  range: SourceRange;
}

interface Node {
  range: SourceRange;
}

/** Fields every command shares: the words after the keyword(s), as written (for the formatter). */
interface CommandNode extends Node {
  args: Word[];
}

// ---------------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------------

/** `VERSION [--feature...] 0.8` */
export interface VersionCommand extends CommandNode {
  kind: "VERSION";
  /** Feature flags without the leading `--`, e.g. `try`, `wildcard-copy`. */
  features: string[];
  version?: Word;
}

/** `FROM image` or `FROM [flags] +target [--ARG=v...]` */
export interface FromCommand extends CommandNode {
  kind: "FROM";
  flags: { platform?: Word; allowPrivileged: boolean; passArgs: boolean; buildArgs: Word[] };
  /** An image name or a target reference, unresolved. */
  image: Word;
  overrides: ArgOverride[];
}

/** `FROM DOCKERFILE [flags] <context-path|artifact-ref>` */
export interface FromDockerfileCommand extends CommandNode {
  kind: "FROM_DOCKERFILE";
  flags: { file?: Word; target?: Word; platform?: Word; allowPrivileged: boolean; buildArgs: Word[] };
  context: Word;
  overrides: ArgOverride[];
}

/** `LOCALLY` */
export interface LocallyCommand extends CommandNode {
  kind: "LOCALLY";
}

/** Flags shared by RUN, IF and FOR (the ones that shape the container a command runs in). */
export interface ExecFlags {
  privileged: boolean;
  ssh: boolean;
  noCache: boolean;
  /** `--secret ENV=id` or `--secret id`, repeatable. */
  secrets: Word[];
  mounts: MountSpec[];
}

export interface RunFlags extends ExecFlags {
  push: boolean;
  entrypoint: boolean;
  network?: Word;
  interactive: boolean;
  interactiveKeep: boolean;
  aws: boolean;
  oidc?: Word;
  rawOutput: boolean;
  /** Deprecated `--with-docker`. */
  withDocker: boolean;
}

/** `RUN [flags] [--] command` or `RUN [flags] ["exe", ...]` */
export interface RunCommand extends CommandNode, CommandLine {
  kind: "RUN";
  flags: RunFlags;
}

/** One source of COPY; `(+t/a --X=1)` has `parenthesized` set and its overrides. */
export interface CopySource {
  /** A host path, glob or artifact reference, as written. */
  source: Word;
  overrides: ArgOverride[];
  parenthesized: boolean;
  range: SourceRange;
}

/** `COPY [flags] src... dest` (classic, artifact and parenthesised forms) */
export interface CopyCommand extends CommandNode {
  kind: "COPY";
  flags: {
    dir: boolean;
    keepTs: boolean;
    keepOwn: boolean;
    chmod?: Word;
    chown?: Word;
    ifExists: boolean;
    symlinkNoFollow: boolean;
    platform?: Word;
    allowPrivileged: boolean;
    passArgs: boolean;
    buildArgs: Word[];
  };
  sources: CopySource[];
  dest: Word;
}

/** `ARG [--required] [--global] NAME[=default]`; the default is the rest of the line, as written. */
export interface ArgCommand extends CommandNode {
  kind: "ARG";
  flags: { required: boolean; global: boolean };
  name: Word;
  value?: Word;
  docs?: string;
}

/** `LET NAME=value` */
export interface LetCommand extends CommandNode {
  kind: "LET";
  name: Word;
  value?: Word;
}

/** `SET NAME=value` */
export interface SetCommand extends CommandNode {
  kind: "SET";
  name: Word;
  value?: Word;
}

/** `ENV A=1 B="two words"` or `ENV KEY value with spaces` */
export interface EnvCommand extends CommandNode {
  kind: "ENV";
  form: "pairs" | "single";
  pairs: KeyValue[];
}

/** `LABEL k=v [k=v...]` (or `LABEL key value`) */
export interface LabelCommand extends CommandNode {
  kind: "LABEL";
  form: "pairs" | "single";
  pairs: KeyValue[];
}

/** `WORKDIR path` */
export interface WorkdirCommand extends CommandNode {
  kind: "WORKDIR";
  path: Word;
}

/** `USER user[:group]` */
export interface UserCommand extends CommandNode {
  kind: "USER";
  user: Word;
}

/** `ENTRYPOINT ["exe", ...]` or shell form */
export interface EntrypointCommand extends CommandNode, CommandLine {
  kind: "ENTRYPOINT";
}

/** `CMD ["exe", ...]` or shell form */
export interface CmdCommand extends CommandNode, CommandLine {
  kind: "CMD";
}

/** `EXPOSE port[/proto]...` */
export interface ExposeCommand extends CommandNode {
  kind: "EXPOSE";
  ports: Word[];
}

/** `VOLUME path...` or `VOLUME ["/a", "/b"]` */
export interface VolumeCommand extends CommandNode {
  kind: "VOLUME";
  form: "shell" | "exec";
  paths: Word[];
  /** Exec (JSON) form only: the array's strings. */
  exec?: string[];
}

/** `HEALTHCHECK NONE` or `HEALTHCHECK [flags] CMD command` */
export interface HealthcheckCommand extends CommandNode {
  kind: "HEALTHCHECK";
  none: boolean;
  flags: { interval?: Word; timeout?: Word; startPeriod?: Word; retries?: Word; startInterval?: Word };
  command?: CommandLine;
}

/** `SAVE ARTIFACT [flags] src [artifact-dest] [AS LOCAL host-path]` */
export interface SaveArtifactCommand extends CommandNode {
  kind: "SAVE_ARTIFACT";
  flags: { keepTs: boolean; keepOwn: boolean; ifExists: boolean; symlinkNoFollow: boolean; force: boolean };
  source: Word;
  artifactDest?: Word;
  asLocal?: Word;
}

/** `SAVE IMAGE [flags] [name...]` */
export interface SaveImageCommand extends CommandNode {
  kind: "SAVE_IMAGE";
  flags: {
    push: boolean;
    noManifestList: boolean;
    cacheHint: boolean;
    insecure: boolean;
    cacheFrom: Word[];
    withoutEarthlyLabels: boolean;
  };
  names: Word[];
}

/** `BUILD [flags] +target [--ARG=v...]`; a repeated override makes a matrix. */
export interface BuildCommand extends CommandNode {
  kind: "BUILD";
  flags: { platforms: Word[]; allowPrivileged: boolean; passArgs: boolean; autoSkip: boolean; buildArgs: Word[] };
  target: Word;
  overrides: ArgOverride[];
}

/** `DO [flags] +FUNCTION [--ARG=v...]` */
export interface DoCommand extends CommandNode {
  kind: "DO";
  flags: { allowPrivileged: boolean; passArgs: boolean };
  function: Word;
  overrides: ArgOverride[];
}

/** `IMPORT [flags] ref [AS alias]` */
export interface ImportCommand extends CommandNode {
  kind: "IMPORT";
  flags: { allowPrivileged: boolean; passArgs: boolean };
  ref: Word;
  alias?: Word;
}

/** `CACHE [flags] mountpoint` */
export interface CacheCommand extends CommandNode {
  kind: "CACHE";
  flags: { sharing?: Word; chmod?: Word; id?: Word; persist: boolean };
  path: Word;
}

/** `HOST hostname ip` */
export interface HostCommand extends CommandNode {
  kind: "HOST";
  hostname: Word;
  ip: Word;
}

/** `GIT CLONE [--branch ref] [--keep-ts] url dest` */
export interface GitCloneCommand extends CommandNode {
  kind: "GIT_CLONE";
  flags: { branch?: Word; keepTs: boolean };
  url: Word;
  dest: Word;
}

/** `PROJECT org/project` (parsed and ignored) */
export interface ProjectCommand extends CommandNode {
  kind: "PROJECT";
  project: Word;
}

/** ADD, SHELL, ONBUILD and STOPSIGNAL: kept for the formatter, reported as unsupported. */
export interface UnsupportedCommand extends CommandNode {
  kind: "UNSUPPORTED";
  keyword: "ADD" | "SHELL" | "ONBUILD" | "STOPSIGNAL";
}

// ---------------------------------------------------------------------------------------------
// Blocks
// ---------------------------------------------------------------------------------------------

/** One `IF` or `ELSE IF` arm: a shell condition (exit code 0 = true) and its body. */
export interface IfBranch extends CommandNode {
  flags: ExecFlags;
  condition: CommandLine;
  body: Statement[];
}

/** `IF ... [ELSE IF ...]* [ELSE ...] END` */
export interface IfBlock extends Node {
  kind: "IF";
  /** The IF arm first, then every ELSE IF arm in order. */
  branches: IfBranch[];
  elseBody?: Statement[];
}

/** `FOR [flags] VAR IN expr... END` */
export interface ForBlock extends CommandNode {
  kind: "FOR";
  flags: ExecFlags & { sep?: Word };
  variable: Word;
  /** The words after IN, as written (constants, `$VAR` or `$(cmd)`). */
  expression: Word[];
  body: Statement[];
}

/** `WAIT ... END` */
export interface WaitBlock extends CommandNode {
  kind: "WAIT";
  body: Statement[];
}

/** `TRY ... [CATCH ...] [FINALLY ...] END` */
export interface TryBlock extends CommandNode {
  kind: "TRY";
  body: Statement[];
  catchBody?: Statement[];
  finallyBody?: Statement[];
}

/** `WITH DOCKER --load [name=]+target ...`: image and target to load; `(+t --A=v)` allowed. */
export interface DockerLoad {
  /** The image name before `=`, when given. */
  image?: Word;
  target: Word;
  overrides: ArgOverride[];
  range: SourceRange;
}

/** `WITH DOCKER [flags] RUN ... END` */
export interface WithDockerBlock extends CommandNode {
  kind: "WITH_DOCKER";
  flags: {
    pulls: Word[];
    loads: DockerLoad[];
    composes: Word[];
    services: Word[];
    platform?: Word;
    allowPrivileged: boolean;
    passArgs: boolean;
    cacheId?: Word;
    buildArgs: Word[];
  };
  body: Statement[];
}

/** Every command node, told apart by `kind`. */
export type Command =
  | FromCommand
  | FromDockerfileCommand
  | LocallyCommand
  | RunCommand
  | CopyCommand
  | ArgCommand
  | LetCommand
  | SetCommand
  | EnvCommand
  | LabelCommand
  | WorkdirCommand
  | UserCommand
  | EntrypointCommand
  | CmdCommand
  | ExposeCommand
  | VolumeCommand
  | HealthcheckCommand
  | SaveArtifactCommand
  | SaveImageCommand
  | BuildCommand
  | DoCommand
  | ImportCommand
  | CacheCommand
  | HostCommand
  | GitCloneCommand
  | ProjectCommand
  | UnsupportedCommand;

export type Block = IfBlock | ForBlock | WaitBlock | TryBlock | WithDockerBlock;

/** One line (or block) of a recipe. */
export type Statement = Command | Block;

export type StatementKind = Statement["kind"];

// ---------------------------------------------------------------------------------------------
// Top level
// ---------------------------------------------------------------------------------------------

/** `name:` and its indented recipe. */
export interface Target extends Node {
  name: string;
  /** The comment block directly above the target, `#` and one space stripped from each line. */
  docs?: string;
  recipe: Statement[];
}

/** `NAME:` whose first line is `FUNCTION` (or the 0.7 `COMMAND`). */
export interface FunctionDef extends Node {
  name: string;
  keyword: "FUNCTION" | "COMMAND";
  docs?: string;
  /** The body after the FUNCTION/COMMAND line. */
  recipe: Statement[];
}

/** A whole file. */
export interface Buildfile extends Node {
  file: string;
  version?: VersionCommand;
  /** Every command before the first target: the implicit `base` target. */
  baseRecipe: Statement[];
  targets: Target[];
  functions: FunctionDef[];
}

/** A positioned syntax error (or an unsupported construct) with what would have been accepted. */
export interface SyntaxProblem {
  message: string;
  range: SourceRange;
  expected?: string[];
  hint?: string;
}

/** What `parseBuildfile` returns: an AST whenever the file could be read at all, plus every problem. */
export interface ParseResult {
  buildfile?: Buildfile;
  problems: SyntaxProblem[];
}
