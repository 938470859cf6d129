/**
 * One reader per one-line command: the words of a `Line` → its typed node, with a positioned problem
 * for every word that does not fit. Readers never throw; a node missing a required word gets an
 * empty Word at the end of its line so downstream code always sees the declared shape.
 */
import type {
  ArgCommand,
  BuildCommand,
  CacheCommand,
  Command,
  CopyCommand,
  CopySource,
  DoCommand,
  EnvCommand,
  ExecFlags,
  FromCommand,
  FromDockerfileCommand,
  GitCloneCommand,
  HealthcheckCommand,
  ImportCommand,
  KeyValue,
  LabelCommand,
  RunCommand,
  RunFlags,
  SaveArtifactCommand,
  SaveImageCommand,
  UnsupportedCommand,
  VersionCommand,
  VolumeCommand,
  Word,
} from "./ast.js";
import { didYouMean } from "./problems.js";
import { endOffsetOf, startOffsetOf } from "./source.js";
import { closesGroup, type FlagSpec, type Flags, type Line, readFlags, readGroup, readMount, readOverrides, spanOf, unquotedEquals } from "./words.js";

const argName = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The empty word at the end of a line, standing in for a missing argument. */
function missing(line: Line, what: string, example: string): Word {
  line.report(`${line.keyword} needs ${what}`, line.range, { hint: `write ${example}` });
  return { text: "", range: line.src.range(endOffsetOf(line.range), endOffsetOf(line.range)) };
}

function noMore(line: Line, words: Word[], after: string): void {
  const extra = words[0];
  if (extra === undefined) return;
  const last = words[words.length - 1]!;
  line.report(`unexpected ${extra.text} after ${after}`, spanOf(line, extra.range, last.range));
}

/** `args` are the words after the keyword; `skip` drops a second keyword word (SAVE ARTIFACT). */
function base(line: Line, skip = 0): { args: Word[]; range: Line["range"] } {
  return { args: line.words.slice(skip), range: line.range };
}

export const execFlagSpec: FlagSpec = {
  "--privileged": "bool",
  "--ssh": "bool",
  "--no-cache": "bool",
  "--secret": "value",
  "--mount": "value",
};

export function execFlags(line: Line, flags: Flags): ExecFlags {
  if (flags.uses.length === 0) return { privileged: false, ssh: false, noCache: false, secrets: [], mounts: [] };
  return {
    privileged: flags.bool("--privileged"),
    ssh: flags.bool("--ssh"),
    noCache: flags.bool("--no-cache"),
    secrets: flags.values("--secret").map((secret) => checkedSecret(line, secret)),
    mounts: flags.all("--mount").flatMap((use) => (use.value === undefined ? [] : [readMount(line, use.value, use.range)])),
  };
}

/** `--secret ENV=id` or `--secret id`: the part before `=` becomes an environment variable's name. */
function checkedSecret(line: Line, secret: Word): Word {
  const eq = secret.text.indexOf("=");
  const name = eq < 0 ? secret.text : secret.text.slice(0, eq);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    const what = name === "" ? "an empty variable name" : `"${name}", which is not a variable name`;
    line.report(`--secret ${secret.text} has ${what}`, secret.range, { hint: "write --secret ENV=id (ENV: letters, digits and _), e.g. --secret TOKEN=token" });
  }
  return secret;
}

/** Earthly's feature flags (0.8): the defaults of 0.8, which 0.7 files may switch on, and the experimental ones. */
export const featureFlags: readonly string[] = [
  "use-registry-for-with-docker", "use-copy-include-patterns", "referenced-save-only", "for-in", "require-force-for-unsafe-saves",
  "no-implicit-ignore", "earthly-version-arg", "shell-out-anywhere", "explicit-global", "check-duplicate-images", "use-cache-command",
  "use-host-command", "use-copy-link", "new-platform", "no-tar-build-output", "use-no-manifest-list", "use-chmod",
  "earthly-locally-arg", "use-project-secrets", "earthly-git-author-args", "wait-block", "no-network", "arg-scope-and-set",
  "use-docker-ignore", "pass-args", "global-cache", "cache-persist-option", "use-function-keyword",
  "use-visited-upfront-hash-collection", "try", "wildcard-builds", "wildcard-copy", "build-auto-skip",
  "allow-privileged-from-dockerfile", "run-with-aws", "run-with-aws-oidc", "raw-output", "earthly-ci-runner-arg",
  "no-use-registry-for-with-docker", "docker-cache", "allow-without-earthly-labels", "git-author-email-name-args",
];

function readVersion(line: Line): VersionCommand {
  const features: string[] = [];
  let i = 0;
  for (; i < line.words.length && line.words[i]!.text.startsWith("--"); i++) {
    const word = line.words[i]!;
    const feature = word.text.slice(2);
    features.push(feature);
    if (!featureFlags.includes(feature)) {
      const hint = didYouMean(feature, featureFlags);
      line.report(`unknown feature flag ${word.text}`, word.range, { hint: hint === undefined ? "see the VERSION feature flags in the language reference" : hint.replace("mean ", "mean --") });
    }
  }
  const node: VersionCommand = { kind: "VERSION", ...base(line), features };
  const version = line.words[i];
  if (version === undefined) missing(line, "a language version", "VERSION 0.8");
  else {
    node.version = version;
    if (!/^0\.[678]$/.test(version.text)) line.report(`unknown VERSION ${version.text}`, version.range, { hint: "ebuild reads VERSION 0.7 and 0.8" });
  }
  noMore(line, line.words.slice(i + 1), "the version");
  return node;
}

const fromSpec: FlagSpec = { "--platform": "value", "--allow-privileged": "bool", "--pass-args": "bool", "--build-arg": "value" };
const fromDockerfileSpec: FlagSpec = { "-f": "value", "--target": "value", "--platform": "value", "--allow-privileged": "bool", "--build-arg": "value" };

function readFrom(line: Line): FromCommand | FromDockerfileCommand {
  if (line.words[0]?.text === "DOCKERFILE") {
    const flags = readFlags(line, fromDockerfileSpec, 1);
    const node: FromDockerfileCommand = {
      kind: "FROM_DOCKERFILE",
      ...base(line, 1),
      flags: { allowPrivileged: flags.bool("--allow-privileged"), buildArgs: flags.values("--build-arg") },
      context: line.words[flags.next] ?? missing(line, "a build context", "FROM DOCKERFILE ."),
      overrides: readOverrides(line, line.words.slice(flags.next + 1)),
    };
    setIf(node.flags, "file", flags.value("-f"));
    setIf(node.flags, "target", flags.value("--target"));
    setIf(node.flags, "platform", flags.value("--platform"));
    return node;
  }
  const flags = readFlags(line, fromSpec);
  const rest = line.words.slice(flags.next + 1);
  if (rest[0]?.text === "AS") {
    line.report("FROM ... AS is not supported", spanOf(line, rest[0].range, rest[rest.length - 1]!.range), {
      hint: "each target is its own stage: reference it as +target",
    });
    rest.length = 0;
  }
  const node: FromCommand = {
    kind: "FROM",
    ...base(line),
    flags: { allowPrivileged: flags.bool("--allow-privileged"), passArgs: flags.bool("--pass-args"), buildArgs: flags.values("--build-arg") },
    image: line.words[flags.next] ?? missing(line, "an image or a target", "FROM busybox or FROM +target"),
    overrides: readOverrides(line, rest),
  };
  setIf(node.flags, "platform", flags.value("--platform"));
  return node;
}

function setIf<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

const runSpec: FlagSpec = {
  ...execFlagSpec,
  "--push": "bool",
  "--entrypoint": "bool",
  "--network": "value",
  "--interactive": "bool",
  "--interactive-keep": "bool",
  "--aws": "bool",
  "--oidc": "value",
  "--raw-output": "bool",
  "--with-docker": "bool",
};

function readRun(line: Line): RunCommand {
  const flags = readFlags(line, runSpec);
  const words = flags.next === 0 ? line.words : line.words.slice(flags.next);
  if (words.length === 0) missing(line, "a command", "RUN echo hello");
  const runFlags: RunFlags = execFlags(line, flags) as RunFlags;
  runFlags.push = flags.bool("--push");
  runFlags.entrypoint = flags.bool("--entrypoint");
  runFlags.interactive = flags.bool("--interactive");
  runFlags.interactiveKeep = flags.bool("--interactive-keep");
  runFlags.aws = flags.bool("--aws");
  runFlags.rawOutput = flags.bool("--raw-output");
  runFlags.withDocker = flags.bool("--with-docker");
  setIf(runFlags, "network", flags.value("--network"));
  setIf(runFlags, "oidc", flags.value("--oidc"));
  if (runFlags.network !== undefined && runFlags.network.text !== "none") {
    line.report(`unknown network ${runFlags.network.text}`, runFlags.network.range, { hint: "only --network=none is supported" });
  }
  const command = line.commandLine(words);
  // Key order is the JSON order of `debug ast` and the golden files: keep it stable.
  const node: RunCommand =
    command.exec === undefined
      ? { kind: "RUN", args: line.words, range: line.range, form: command.form, command: command.command, text: command.text, flags: runFlags }
      : { kind: "RUN", args: line.words, range: line.range, form: command.form, command: command.command, text: command.text, exec: command.exec, flags: runFlags };
  return node;
}

const copySpec: FlagSpec = {
  "--dir": "bool",
  "--keep-ts": "bool",
  "--keep-own": "bool",
  "--chmod": "value",
  "--chown": "value",
  "--if-exists": "bool",
  "--symlink-no-follow": "bool",
  "--platform": "value",
  "--allow-privileged": "bool",
  "--pass-args": "bool",
  "--build-arg": "value",
  "--from": "value",
};

function readCopy(line: Line): CopyCommand {
  const flags = readFlags(line, copySpec);
  for (const use of flags.all("--from")) {
    line.report("COPY --from is not supported", use.range, { hint: "copy an artifact instead: COPY +target/path dest" });
  }
  const items: CopySource[] = [];
  const words = line.words;
  for (let i = flags.next; i < words.length; i++) {
    const word = words[i]!;
    if (word.text.startsWith("(")) {
      const start = i;
      while (i < words.length - 1 && !closesGroup(words[i]!.text)) i++;
      if (!closesGroup(words[i]!.text)) line.report("missing ) to close this group", word.range);
      const group = readGroup(line, words.slice(start, i + 1));
      items.push({ source: group.ref, overrides: group.overrides, parenthesized: true, range: group.range });
    } else {
      items.push({ source: word, overrides: [], parenthesized: false, range: word.range });
    }
  }
  const node: CopyCommand = {
    kind: "COPY",
    ...base(line),
    flags: {
      dir: flags.bool("--dir"),
      keepTs: flags.bool("--keep-ts"),
      keepOwn: flags.bool("--keep-own"),
      ifExists: flags.bool("--if-exists"),
      symlinkNoFollow: flags.bool("--symlink-no-follow"),
      allowPrivileged: flags.bool("--allow-privileged"),
      passArgs: flags.bool("--pass-args"),
      buildArgs: flags.values("--build-arg"),
    },
    sources: items.slice(0, -1),
    dest: items[items.length - 1]?.source ?? missing(line, "a source and a destination", "COPY src dest"),
  };
  setIf(node.flags, "chmod", flags.value("--chmod"));
  setIf(node.flags, "chown", flags.value("--chown"));
  setIf(node.flags, "platform", flags.value("--platform"));
  if (items.length === 1) missing(line, "a source and a destination", "COPY src dest");
  if (items[items.length - 1]?.parenthesized === true) line.report("the destination of COPY cannot be a ( ... ) group", items[items.length - 1]!.range);
  return node;
}

/**
 * `NAME=value`, `NAME = value` (Earthly accepts blanks around `=`) or `NAME`; the value is the rest
 * of the line after the `=` and any blanks, whitespace inside kept.
 */
function readAssignment(line: Line, from: number): { name: Word; value?: Word } {
  const first = line.words[from];
  if (first === undefined) return { name: missing(line, "a name", `${line.keyword} NAME=value`) };
  const eq = first.text.indexOf("=");
  if (eq < 0) {
    checkName(line, first);
    const next = line.words[from + 1];
    if (next === undefined) return { name: first };
    if (next.text.startsWith("=")) return { name: first, value: valueAfter(line, startOffsetOf(next.range) + 1) };
    line.report(`expected ${line.keyword} ${first.text}=value`, spanOf(line, first.range, line.words[line.words.length - 1]!.range), {
      hint: `join name and value with =: ${line.keyword} ${first.text}=${next.text}`,
    });
    return { name: first };
  }
  const name = line.part(first, 0, eq);
  checkName(line, name);
  return { name, value: valueAfter(line, startOffsetOf(first.range) + eq + 1) };
}

/** The rest of the line from `offset`, leading blanks skipped; empty at the end of the line. */
function valueAfter(line: Line, offset: number): Word {
  const text = line.src.text;
  const end = endOffsetOf(line.range);
  let start = offset;
  while (start < end && (text.charCodeAt(start) === 32 || text.charCodeAt(start) === 9)) start++;
  const from = line.words.findIndex((w) => endOffsetOf(w.range) > start);
  if (from < 0 || start >= end) return { text: "", range: line.src.range(start, start) };
  return line.rest(line.words, from, start)!;
}

function checkName(line: Line, name: Word): void {
  if (!argName.test(name.text)) line.report(`"${name.text}" is not a valid name`, name.range, { hint: "names are letters, digits and _, not starting with a digit" });
}

function readArg(line: Line): ArgCommand {
  const flags = readFlags(line, { "--required": "bool", "--global": "bool" });
  const { name, value } = readAssignment(line, flags.next);
  const node: ArgCommand = { kind: "ARG", ...base(line), flags: { required: flags.bool("--required"), global: flags.bool("--global") }, name };
  if (value !== undefined) node.value = value;
  if (node.flags.required && value !== undefined) line.report("an ARG --required cannot have a default", value.range);
  const docs = line.src.docsAbove(line.range.start.line);
  if (docs !== undefined) node.docs = docs;
  return node;
}

function readLetOrSet(line: Line, kind: "LET" | "SET"): Command {
  const { name, value } = readAssignment(line, 0);
  if (value === undefined && name.text !== "") line.report(`${kind} needs a value`, line.range, { hint: `write ${kind} ${name.text}=value` });
  return value === undefined ? { kind, ...base(line), name } : { kind, ...base(line), name, value };
}

/** ENV and LABEL: `K=v K2="v 2"` pairs, or the single `KEY value with spaces`. */
function readPairs(line: Line, kind: "ENV" | "LABEL"): EnvCommand | LabelCommand {
  const words = line.words;
  const first = words[0];
  const pairs: KeyValue[] = [];
  if (first === undefined) {
    missing(line, "KEY=value", `${kind} KEY=value`);
    return { kind, ...base(line), form: "pairs", pairs };
  }
  const eq = unquotedEquals(first.text);
  if (eq <= 0) {
    const value = line.rest(words, 1);
    if (value === undefined) line.report(`${kind} ${first.text} needs a value`, first.range, { hint: `write ${kind} ${first.text}=value` });
    else pairs.push({ key: first, value, range: spanOf(line, first.range, value.range) });
    if (kind === "ENV") checkName(line, first);
    return { kind, ...base(line), form: "single", pairs };
  }
  for (const word of words) {
    const at = unquotedEquals(word.text);
    if (at <= 0) {
      line.report(`expected KEY=value, found ${word.text}`, word.range, { hint: "in the pairs form every word is KEY=value; quote values with spaces" });
      continue;
    }
    const key = line.part(word, 0, at);
    if (kind === "ENV") checkName(line, key);
    pairs.push({ key, value: line.part(word, at + 1), range: word.range });
  }
  return { kind, ...base(line), form: "pairs", pairs };
}

function readOne(line: Line, what: string, example: string): Word {
  const word = line.words[0] ?? missing(line, what, example);
  noMore(line, line.words.slice(1), what);
  return word;
}

function readVolume(line: Line): VolumeCommand {
  if (line.words.length === 0) missing(line, "a path", "VOLUME /data");
  const cl = line.commandLine(line.words);
  const node: VolumeCommand = { kind: "VOLUME", ...base(line), form: cl.form, paths: line.words };
  if (cl.exec !== undefined) node.exec = cl.exec;
  return node;
}

const healthcheckSpec: FlagSpec = { "--interval": "value", "--timeout": "value", "--start-period": "value", "--retries": "value", "--start-interval": "value" };

function readHealthcheck(line: Line): HealthcheckCommand {
  const flags = readFlags(line, healthcheckSpec);
  const node: HealthcheckCommand = { kind: "HEALTHCHECK", ...base(line), none: false, flags: {} };
  setIf(node.flags, "interval", flags.value("--interval"));
  setIf(node.flags, "timeout", flags.value("--timeout"));
  setIf(node.flags, "startPeriod", flags.value("--start-period"));
  setIf(node.flags, "retries", flags.value("--retries"));
  setIf(node.flags, "startInterval", flags.value("--start-interval"));
  const head = line.words[flags.next];
  if (head?.text === "NONE") {
    node.none = true;
    noMore(line, line.words.slice(flags.next + 1), "NONE");
  } else if (head?.text === "CMD") {
    const words = line.words.slice(flags.next + 1);
    if (words.length === 0) missing(line, "a command after CMD", "HEALTHCHECK CMD curl -f http://localhost/");
    node.command = line.commandLine(words);
  } else {
    line.report("HEALTHCHECK needs NONE or CMD command", head?.range ?? line.range, { expected: ["NONE", "CMD"] });
  }
  return node;
}

const saveArtifactSpec: FlagSpec = { "--keep-ts": "bool", "--keep-own": "bool", "--if-exists": "bool", "--symlink-no-follow": "bool", "--force": "bool" };
const saveImageSpec: FlagSpec = {
  "--push": "bool",
  "--no-manifest-list": "bool",
  "--cache-hint": "bool",
  "--insecure": "bool",
  "--cache-from": "value",
  "--without-earthly-labels": "bool",
};

function readSave(line: Line): Command | undefined {
  const what = line.words[0];
  if (what?.text === "IMAGE") {
    const flags = readFlags(line, saveImageSpec, 1);
    const node: SaveImageCommand = {
      kind: "SAVE_IMAGE",
      ...base(line, 1),
      flags: {
        push: flags.bool("--push"),
        noManifestList: flags.bool("--no-manifest-list"),
        cacheHint: flags.bool("--cache-hint"),
        insecure: flags.bool("--insecure"),
        cacheFrom: flags.values("--cache-from"),
        withoutEarthlyLabels: flags.bool("--without-earthly-labels"),
      },
      names: line.words.slice(flags.next),
    };
    return node;
  }
  if (what?.text !== "ARTIFACT") {
    line.report("SAVE needs ARTIFACT or IMAGE", what?.range ?? line.range, {
      expected: ["SAVE ARTIFACT", "SAVE IMAGE"],
      ...(what === undefined ? {} : { hint: didYouMean(what.text, ["ARTIFACT", "IMAGE"]) ?? "write SAVE ARTIFACT or SAVE IMAGE" }),
    });
    return undefined;
  }
  const flags = readFlags(line, saveArtifactSpec, 1);
  const words = line.words.slice(flags.next);
  const as = words.findIndex((w, i) => w.text === "AS" && words[i + 1]?.text === "LOCAL");
  const positional = as < 0 ? words : words.slice(0, as);
  const node: SaveArtifactCommand = {
    kind: "SAVE_ARTIFACT",
    ...base(line, 1),
    flags: {
      keepTs: flags.bool("--keep-ts"),
      keepOwn: flags.bool("--keep-own"),
      ifExists: flags.bool("--if-exists"),
      symlinkNoFollow: flags.bool("--symlink-no-follow"),
      force: flags.bool("--force"),
    },
    source: positional[0] ?? missing(line, "a path to save", "SAVE ARTIFACT ./dist AS LOCAL dist"),
  };
  if (positional[1] !== undefined) node.artifactDest = positional[1];
  noMore(line, positional.slice(2), "the artifact destination");
  if (as >= 0) {
    const local = words[as + 2];
    if (local === undefined) missing(line, "a path after AS LOCAL", "SAVE ARTIFACT ./dist AS LOCAL dist");
    else node.asLocal = local;
    noMore(line, words.slice(as + 3), "the AS LOCAL path");
  } else if (positional.some((w) => w.text === "AS")) {
    const at = positional.find((w) => w.text === "AS")!;
    line.report("expected AS LOCAL", at.range, { hint: "write SAVE ARTIFACT src AS LOCAL path" });
  }
  return node;
}

const buildSpec: FlagSpec = { "--platform": "value", "--allow-privileged": "bool", "--pass-args": "bool", "--auto-skip": "bool", "--build-arg": "value" };

function readBuild(line: Line): BuildCommand {
  const flags = readFlags(line, buildSpec);
  return {
    kind: "BUILD",
    ...base(line),
    flags: {
      platforms: flags.values("--platform"),
      allowPrivileged: flags.bool("--allow-privileged"),
      passArgs: flags.bool("--pass-args"),
      autoSkip: flags.bool("--auto-skip"),
      buildArgs: flags.values("--build-arg"),
    },
    target: line.words[flags.next] ?? missing(line, "a target", "BUILD +target"),
    overrides: readOverrides(line, line.words.slice(flags.next + 1)),
  };
}

function readDo(line: Line): DoCommand {
  const flags = readFlags(line, { "--allow-privileged": "bool", "--pass-args": "bool" });
  return {
    kind: "DO",
    ...base(line),
    flags: { allowPrivileged: flags.bool("--allow-privileged"), passArgs: flags.bool("--pass-args") },
    function: line.words[flags.next] ?? missing(line, "a function", "DO +FUNCTION"),
    overrides: readOverrides(line, line.words.slice(flags.next + 1)),
  };
}

function readImport(line: Line): ImportCommand {
  const flags = readFlags(line, { "--allow-privileged": "bool", "--pass-args": "bool" });
  const words = line.words.slice(flags.next);
  const node: ImportCommand = {
    kind: "IMPORT",
    ...base(line),
    flags: { allowPrivileged: flags.bool("--allow-privileged"), passArgs: flags.bool("--pass-args") },
    ref: words[0] ?? missing(line, "a reference", "IMPORT ./lib AS lib"),
  };
  if (words[1] !== undefined) {
    if (words[1].text !== "AS") line.report(`expected AS, found ${words[1].text}`, words[1].range, { expected: ["AS"] });
    else if (words[2] === undefined) missing(line, "an alias after AS", "IMPORT ./lib AS lib");
    else node.alias = words[2];
    noMore(line, words.slice(3), "the alias");
  }
  return node;
}

function readCache(line: Line): CacheCommand {
  const flags = readFlags(line, { "--sharing": "value", "--chmod": "value", "--id": "value", "--persist": "bool" });
  const node: CacheCommand = { kind: "CACHE", ...base(line), flags: { persist: flags.bool("--persist") }, path: line.words[flags.next] ?? missing(line, "a mount point", "CACHE /root/.cache") };
  setIf(node.flags, "sharing", flags.value("--sharing"));
  setIf(node.flags, "chmod", flags.value("--chmod"));
  setIf(node.flags, "id", flags.value("--id"));
  const sharing = node.flags.sharing?.text;
  if (sharing !== undefined && !["locked", "shared", "private"].includes(sharing)) {
    line.report(`unknown sharing mode ${sharing}`, node.flags.sharing!.range, { expected: ["locked", "shared", "private"] });
  }
  noMore(line, line.words.slice(flags.next + 1), "the mount point");
  return node;
}

function readGit(line: Line): GitCloneCommand | undefined {
  if (line.words[0]?.text !== "CLONE") {
    line.report("GIT needs CLONE", line.words[0]?.range ?? line.range, { expected: ["GIT CLONE"] });
    return undefined;
  }
  const flags = readFlags(line, { "--branch": "value", "--keep-ts": "bool" }, 1);
  const node: GitCloneCommand = {
    kind: "GIT_CLONE",
    ...base(line, 1),
    flags: { keepTs: flags.bool("--keep-ts") },
    url: line.words[flags.next] ?? missing(line, "a repository URL", "GIT CLONE URL dest"),
    dest: line.words[flags.next + 1] ?? missing(line, "a destination", "GIT CLONE URL dest"),
  };
  setIf(node.flags, "branch", flags.value("--branch"));
  noMore(line, line.words.slice(flags.next + 2), "the destination");
  return node;
}

const unsupportedHints: Record<UnsupportedCommand["keyword"], string> = {
  ADD: "use COPY for files, or RUN with a download tool for URLs",
  SHELL: "RUN uses /bin/sh -c; call another shell explicitly, e.g. RUN bash -c '...'",
  ONBUILD: "make the work a target or a FUNCTION and call it where it is needed",
  STOPSIGNAL: "ebuild images keep their base image's stop signal",
};

/** Reads one command line into its node; undefined when the line is too broken to name a node. */
export function readCommand(line: Line): Command | undefined {
  switch (line.keyword) {
    case "FROM":
      return readFrom(line);
    case "LOCALLY":
      noMore(line, line.words, "LOCALLY");
      return { kind: "LOCALLY", ...base(line) };
    case "RUN":
      return readRun(line);
    case "COPY":
      return readCopy(line);
    case "ARG":
      return readArg(line);
    case "LET":
    case "SET":
      return readLetOrSet(line, line.keyword);
    case "ENV":
    case "LABEL":
      return readPairs(line, line.keyword);
    case "WORKDIR": {
      const path = line.rest(line.words, 0) ?? missing(line, "a path", "WORKDIR /src");
      return { kind: "WORKDIR", ...base(line), path };
    }
    case "USER":
      return { kind: "USER", ...base(line), user: readOne(line, "a user", "USER nobody") };
    case "ENTRYPOINT":
    case "CMD":
      if (line.words.length === 0) missing(line, "a command", `${line.keyword} ["/bin/app"]`);
      return { kind: line.keyword, ...base(line), ...line.commandLine(line.words) };
    case "EXPOSE":
      if (line.words.length === 0) missing(line, "a port", "EXPOSE 8080/tcp");
      return { kind: "EXPOSE", ...base(line), ports: line.words };
    case "VOLUME":
      return readVolume(line);
    case "HEALTHCHECK":
      return readHealthcheck(line);
    case "SAVE":
      return readSave(line);
    case "BUILD":
      return readBuild(line);
    case "DO":
      return readDo(line);
    case "IMPORT":
      return readImport(line);
    case "CACHE":
      return readCache(line);
    case "HOST": {
      const hostname = line.words[0] ?? missing(line, "a host name and an IP address", "HOST example.test 10.0.0.1");
      const ip = line.words[1] ?? (line.words[0] === undefined ? hostname : missing(line, "an IP address", `HOST ${hostname.text} 10.0.0.1`));
      noMore(line, line.words.slice(2), "the IP address");
      return { kind: "HOST", ...base(line), hostname, ip };
    }
    case "GIT":
      return readGit(line);
    case "PROJECT":
      return { kind: "PROJECT", ...base(line), project: readOne(line, "org/project", "PROJECT my-org/my-project") };
    case "ADD":
    case "SHELL":
    case "ONBUILD":
    case "STOPSIGNAL":
      line.report(`${line.keyword} is not supported`, line.range, { hint: unsupportedHints[line.keyword] });
      return { kind: "UNSUPPORTED", keyword: line.keyword, ...base(line) };
    case "VERSION":
      return undefined;
    default:
      return undefined;
  }
}

export { readVersion };
