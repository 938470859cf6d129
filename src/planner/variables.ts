/**
 * The variables of one invocation: ARGs (with defaults, `--required`, overrides, `--global` from the
 * base recipe), LET/SET locals, ENV, and the builtin args. Values here are already expanded; the
 * planner expands words before it declares them.
 *
 * ARGs and LETs reach RUN as `KEY=value` prefixes, never as image ENV; ENV is both an expansion
 * source and image config.
 */
import { EbuildError, type SourcePosition } from "../errors.js";

/** Builtin args with their values for one invocation. Both `EBUILD_X` and `EARTHLY_X` work. */
export interface BuiltinArgs {
  get(name: string): string | undefined;
  /** FROM --platform: the TARGET* args follow the platform the target is built for from then on. */
  setTargetPlatform(platform: string): void;
}

/** Builtin names are set by ebuild, declared (without a value) before use, never overridden. */
export function isBuiltinArg(name: string): boolean {
  return builtinPattern.test(name);
}

const builtinPattern = /^(EBUILD_|EARTHLY_|(TARGET|NATIVE|USER)(PLATFORM|OS|ARCH|VARIANT)$)/;

/**
 * Refuses `--NAME=value` for a builtin arg, as Earthly does: ebuild sets them, and a platform
 * given this way would not change what is built. `kind` is "usage" for the command line.
 */
export function checkOverridable(name: string, kind: "usage" | "semantic", at?: SourcePosition): void {
  if (!isBuiltinArg(name)) return;
  const platform = !/^(EBUILD|EARTHLY)_/.test(name);
  throw new EbuildError(kind, `--${name}: ${name} is a builtin arg and cannot be overridden`, {
    at,
    hint: platform ? "choose the platform with --platform os/arch (BUILD --platform in a Buildfile)" : "builtin args are set by ebuild; pass your value under another name",
  });
}

/**
 * The git facts of a Buildfile's checkout, as the `EBUILD_GIT_<name>` builtins carry them; each is
 * empty outside a git checkout, as in Earthly.
 */
export const gitFactNames = [
  "HASH",
  "SHORT_HASH",
  "BRANCH",
  "TAG",
  "REFS",
  "ORIGIN_URL",
  "ORIGIN_URL_SCRUBBED",
  "PROJECT_NAME",
  "COMMIT_TIMESTAMP",
  "COMMIT_AUTHOR_TIMESTAMP",
  "AUTHOR",
  "AUTHOR_EMAIL",
  "AUTHOR_NAME",
  "CO_AUTHORS",
] as const;

/**
 * Git facts by name (`HASH` for `EBUILD_GIT_HASH`); a missing one is empty. `project` is the
 * Buildfile directory's canonical project, `host/org/repo/sub` from the origin, for EBUILD_TARGET_PROJECT.
 */
export type GitFacts = Readonly<Partial<Record<(typeof gitFactNames)[number], string>>> & { readonly project?: string };

/** Facts that give an invocation's builtin args. */
export interface BuiltinFacts {
  targetName: string;
  targetRef: string;
  platform: string;
  nativePlatform: string;
  userPlatform: string;
  push: boolean;
  ci: boolean;
  version: string;
  /** The target's recipe has LOCALLY: EBUILD_LOCALLY is "true". */
  locally?: boolean;
  git?: GitFacts;
}

/**
 * The builtin args of an invocation, both spellings, from a few facts. They are worked out when
 * first read: most targets never declare one, and a Buildfile may have thousands of targets.
 * Shared by the invocation's scopes (base recipe, target, functions).
 */
export function builtinArgs(facts: BuiltinFacts): BuiltinArgs {
  let values: Map<string, string> | undefined;
  let current = facts;
  return {
    get: (name) => (values ??= builtinValues(current)).get(name),
    setTargetPlatform: (platform) => {
      if (values === undefined) current = { ...current, platform };
      else setPlatformArgs(values, "TARGET", platform);
    },
  };
}

function builtinValues(facts: BuiltinFacts): Map<string, string> {
  const values = new Map<string, string>();
  const both = (suffix: string, value: string) => {
    values.set(`EBUILD_${suffix}`, value);
    values.set(`EARTHLY_${suffix}`, value);
  };
  both("TARGET", facts.targetRef);
  both("TARGET_NAME", facts.targetName);
  both("PUSH", String(facts.push));
  both("CI", String(facts.ci));
  both("VERSION", facts.version);
  both("LOCALLY", String(facts.locally === true));
  for (const name of gitFactNames) both(`GIT_${name}`, facts.git?.[name] ?? "");
  // The canonical reference's parts, as Earthly derives them: the tag is a tag on HEAD, else the
  // branch, else the commit.
  const tag = facts.git?.TAG || facts.git?.BRANCH || facts.git?.HASH || "";
  const project = facts.git?.project ?? "";
  both("TARGET_PROJECT_NO_TAG", project);
  both("TARGET_PROJECT", project === "" ? "" : `${project}:${tag}`);
  both("TARGET_TAG", tag);
  both("TARGET_TAG_DOCKER", tag === "" ? "latest" : tag.replace(/[^A-Za-z0-9_.-]/g, "_").replace(/^[.-]/, "_").slice(0, 128));
  // Reproducible builds: the commit time, or 0 outside git.
  both("SOURCE_DATE_EPOCH", facts.git?.COMMIT_TIMESTAMP || "0");
  for (const [prefix, platform] of [["TARGET", facts.platform], ["NATIVE", facts.nativePlatform], ["USER", facts.userPlatform]] as const) {
    setPlatformArgs(values, prefix, platform);
  }
  return values;
}

function setPlatformArgs(values: Map<string, string>, prefix: "TARGET" | "NATIVE" | "USER", platform: string): void {
  const [os = "", arch = "", variant = ""] = platform.split("/");
  values.set(`${prefix}PLATFORM`, platform);
  values.set(`${prefix}OS`, os);
  values.set(`${prefix}ARCH`, arch);
  values.set(`${prefix}VARIANT`, variant);
}

interface Declared {
  value: string;
  at: SourcePosition | undefined;
  kind: "arg" | "let";
}

/** Options of one ARG statement, its default already expanded. */
export interface ArgDeclaration {
  name: string;
  defaultValue: string | undefined;
  required: boolean;
  at: SourcePosition | undefined;
}

export class Variables {
  readonly #overrides: ReadonlyMap<string, string>;
  readonly #globals: ReadonlyMap<string, string>;
  readonly #builtins: BuiltinArgs;
  readonly #declared = new Map<string, Declared>();
  readonly #env: Map<string, string>;

  /**
   * `overrides` are the values given to this invocation (CLI, BUILD/FROM/COPY flags, propagation);
   * `globals` the `ARG --global` values of the Buildfile's base recipe.
   */
  constructor(overrides: ReadonlyMap<string, string>, globals: ReadonlyMap<string, string>, builtins: BuiltinArgs, env = new Map<string, string>()) {
    this.#overrides = overrides;
    this.#globals = globals;
    this.#builtins = builtins;
    this.#env = env;
  }

  /**
   * The scope of a function called with DO: its own ARGs (from the call's overrides and the globals
   * of the function's Buildfile), the caller's builtins, and the caller's ENV, shared both ways.
   */
  forFunction(overrides: ReadonlyMap<string, string>, globals: ReadonlyMap<string, string>): Variables {
    return new Variables(overrides, globals, this.#builtins, this.#env);
  }

  /** FROM --platform: TARGETPLATFORM and the rest name it for the ARGs declared after. */
  setTargetPlatform(platform: string): void {
    this.#builtins.setTargetPlatform(platform);
  }

  /** A copy of the ENV, for a target that starts from this one's state. */
  envEntries(): Array<[string, string]> {
    return [...this.#env];
  }

  /** Declares an ARG and returns its value: the override, else the default. */
  declareArg(arg: ArgDeclaration): string {
    const previous = this.#declared.get(arg.name);
    if (previous !== undefined) {
      throw new EbuildError("semantic", `${arg.name} is already declared${previous.at === undefined ? "" : ` at line ${previous.at.line}`}`, {
        at: arg.at,
        hint: previous.kind === "let" ? "use SET to change a LET variable" : "declare each ARG once per target; use LET for a value that changes",
      });
    }
    if (isBuiltinArg(arg.name)) {
      const value = this.#builtins.get(arg.name);
      if (value === undefined) throw new EbuildError("semantic", `${arg.name} is not a builtin arg`, { at: arg.at, hint: "names starting with EBUILD_ or EARTHLY_ are reserved" });
      if (arg.defaultValue !== undefined) {
        throw new EbuildError("semantic", `the builtin arg ${arg.name} cannot have a default`, { at: arg.at, hint: `write ARG ${arg.name}` });
      }
      this.#declared.set(arg.name, { value, at: arg.at, kind: "arg" });
      return value;
    }
    if (arg.required && arg.defaultValue !== undefined) {
      throw new EbuildError("semantic", `ARG --required ${arg.name} cannot have a default`, { at: arg.at, hint: "drop the default, or drop --required" });
    }
    const value = this.#overrides.get(arg.name) ?? this.#globals.get(arg.name) ?? arg.defaultValue;
    if (value === undefined && arg.required) {
      throw new EbuildError("semantic", `ARG ${arg.name} is required but no value was given`, { at: arg.at, hint: `pass --${arg.name}=VALUE` });
    }
    this.#declared.set(arg.name, { value: value ?? "", at: arg.at, kind: "arg" });
    return value ?? "";
  }

  /** LET: a local that overrides cannot reach; it may shadow an ARG of the same name. */
  let(name: string, value: string, at: SourcePosition | undefined): void {
    const previous = this.#declared.get(name);
    if (previous?.kind === "let") {
      throw new EbuildError("semantic", `LET ${name} is already declared${previous.at === undefined ? "" : ` at line ${previous.at.line}`}`, { at, hint: `write SET ${name}=…` });
    }
    this.#declared.set(name, { value, at, kind: "let" });
  }

  /** SET: changes a LET variable, and nothing else. */
  set(name: string, value: string, at: SourcePosition | undefined): void {
    const previous = this.#declared.get(name);
    if (previous?.kind !== "let") {
      throw new EbuildError("semantic", previous === undefined ? `SET ${name}: no LET ${name} before it` : `SET ${name}: ${name} is an ARG`, {
        at,
        hint: `declare it first with LET ${name}=…`,
      });
    }
    previous.value = value;
  }

  /** The loop variable of FOR: a local for the body, redeclared on each turn. */
  setLoopVariable(name: string, value: string, at: SourcePosition | undefined): void {
    this.#declared.set(name, { value, at, kind: "let" });
  }

  /** FROM: the environment is the new base's (its image config Env). */
  replaceEnv(pairs: ReadonlyArray<readonly [string, string]>): void {
    this.#env.clear();
    for (const [name, value] of pairs) this.#env.set(name, value);
  }

  setEnv(name: string, value: string): void {
    this.#env.set(name, value);
  }

  /** The value `$NAME` expands to in non-RUN arguments: args and locals first, then ENV. */
  lookup(name: string): string | undefined {
    return this.#declared.get(name)?.value ?? this.#globals.get(name) ?? this.#env.get(name);
  }

  /** ARGs and LETs in declaration order: the `KEY=value` prefixes of every RUN (not image ENV). */
  runEnvironment(): Array<[string, string]> {
    // One pass each, no spreads: every RUN asks.
    const out: Array<[string, string]> = [];
    if (this.#globals.size > 0) for (const [name, value] of this.#globals) if (!this.#declared.has(name)) out.push([name, value]);
    for (const [name, d] of this.#declared) out.push([name, d.value]);
    return out;
  }

  /** What `--pass-args` forwards: every ARG (declared, global or received) but the builtins. */
  passArgs(): Array<[string, string]> {
    const declared = [...this.#declared].filter(([name, d]) => d.kind === "arg" && !isBuiltinArg(name)).map(([name, d]): [string, string] => [name, d.value]);
    // Values given to this invocation travel on even where it does not declare them, as overrides
    // do within one Buildfile.
    const received = [...this.#overrides].filter(([name]) => !this.#declared.has(name) && !isBuiltinArg(name));
    return [...this.#visibleGlobals(), ...received, ...declared];
  }

  /** Global ARGs not shadowed by a declaration here. */
  #visibleGlobals(): Array<[string, string]> {
    return [...this.#globals].filter(([name]) => !this.#declared.has(name));
  }

  /** The overrides this invocation received, passed on to targets of the same Buildfile. */
  receivedOverrides(): Array<[string, string]> {
    return [...this.#overrides];
  }
}
