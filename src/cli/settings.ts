import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { EbuildError } from "../errors.js";
import { parseUrlInsteadOf, type GitUrlRewrite } from "../planner/remote.js";

/**
 * Defaults for command-line flags from the environment, as Earthly users know them: `EBUILD_X`
 * (or the `EARTHLY_X` alias) in the environment, or `EBUILD_X=…` lines in a `.env` file in the
 * current directory. The command line wins over the environment, the environment over `.env`.
 * Build args come from `.arg` and secrets from `.secret` in the current directory (dotenv syntax).
 */
export interface FlagDefaults {
  push?: boolean;
  noCache?: boolean;
  allowPrivileged?: boolean;
  ci?: boolean;
  strict?: boolean;
  output?: boolean;
  noOutput?: boolean;
  platform?: string;
  buildkitHost?: string;
  progress?: string;
  /** EBUILD_REMOTE_CACHE=IMAGE and EBUILD_MAX_REMOTE_CACHE=true, as `--remote-cache` / `--max-remote-cache`. */
  remoteCache?: string;
  maxRemoteCache?: boolean;
  /** EBUILD_CACHE_FROM / EBUILD_CACHE_TO: specs as the flags take them, several separated by spaces or `;`. */
  cacheFrom?: string[];
  cacheTo?: string[];
  /** From EBUILD_BUILD_ARGS="A=1,B=2" and the `.arg` file. */
  buildArgs: Array<{ name: string; value: string }>;
  /** From EBUILD_SECRETS="id=v,id2=v2" and the `.secret` file. */
  secrets: Array<{ id: string; value: string }>;
  /** From EBUILD_SECRET_FILES="id=path,…". */
  secretFiles: Array<{ id: string; path: string }>;
  /**
   * From EBUILD_GIT_URL_INSTEAD_OF="base=prefix,…" (Earthly's `git.global.url_instead_of`): clone
   * URLs of remote references that start with `prefix` start with `base` instead.
   */
  gitUrlInsteadOf: GitUrlRewrite[];
}

const booleanFlags = {
  PUSH: "push",
  NO_CACHE: "noCache",
  ALLOW_PRIVILEGED: "allowPrivileged",
  CI: "ci",
  STRICT: "strict",
  MAX_REMOTE_CACHE: "maxRemoteCache",
  OUTPUT: "output",
  NO_OUTPUT: "noOutput",
} as const;

const stringFlags = { PLATFORMS: "platform", BUILDKIT_HOST: "buildkitHost", PROGRESS: "progress", REMOTE_CACHE: "remoteCache" } as const;

const listFlags = { CACHE_FROM: "cacheFrom", CACHE_TO: "cacheTo" } as const;

/** Parses dotenv text: `KEY=value`, `export KEY=value`, quoted values, `#` comments. */
export function parseDotenv(text: string, file: string): Map<string, string> {
  const values = new Map<string, string>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!match) {
      throw new EbuildError("usage", `cannot read this line: ${raw}`, { at: { file, line: index + 1, column: 1 }, hint: "write KEY=value" });
    }
    let value = match[2]!;
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replace(/\\n/g, "\n").replace(/\\(["\\])/g, "$1");
    } else {
      value = value.replace(/\s+#.*$/, "");
    }
    values.set(match[1]!, value);
  });
  return values;
}

function truthy(value: string, name: string): boolean {
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off|)$/i.test(value)) return false;
  throw new EbuildError("usage", `${name}=${value} is not a boolean`, { hint: `use ${name}=true or ${name}=false` });
}

function pairs(list: string, name: string): Array<[string, string]> {
  return list
    .split(",")
    .filter((item) => item.trim() !== "")
    .map((item) => {
      const eq = item.indexOf("=");
      if (eq <= 0) throw new EbuildError("usage", `${name}: "${item}" is not KEY=VALUE`);
      return [item.slice(0, eq).trim(), item.slice(eq + 1)];
    });
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new EbuildError("usage", `cannot read ${path}: ${(error as Error).message}`);
  }
}

/** Reads the defaults for a run started in `cwd` with environment `env`. */
export async function loadFlagDefaults(cwd: string, env: NodeJS.ProcessEnv): Promise<FlagDefaults> {
  const dotenvText = await readOptional(join(cwd, ".env"));
  const dotenv = dotenvText === undefined ? new Map<string, string>() : parseDotenv(dotenvText, join(cwd, ".env"));
  const lookup = (key: string): [string, string] | undefined => {
    for (const prefix of ["EBUILD_", "EARTHLY_"]) {
      const name = prefix + key;
      const value = env[name] ?? dotenv.get(name);
      if (value !== undefined) return [name, value];
    }
    return undefined;
  };
  const defaults: FlagDefaults = { buildArgs: [], secrets: [], secretFiles: [], gitUrlInsteadOf: [] };
  for (const [key, field] of Object.entries(booleanFlags)) {
    const found = lookup(key);
    if (found) defaults[field] = truthy(found[1], found[0]);
  }
  for (const [key, field] of Object.entries(stringFlags)) {
    const found = lookup(key);
    if (found && found[1] !== "") defaults[field] = found[1];
  }
  for (const [key, field] of Object.entries(listFlags)) {
    const found = lookup(key);
    if (found) defaults[field] = found[1].split(/[\s;]+/).filter((spec) => spec !== "");
  }
  const argFile = await readOptional(join(cwd, ".arg"));
  if (argFile !== undefined) for (const [name, value] of parseDotenv(argFile, join(cwd, ".arg"))) defaults.buildArgs.push({ name, value });
  const buildArgs = lookup("BUILD_ARGS");
  if (buildArgs) for (const [name, value] of pairs(buildArgs[1], buildArgs[0])) defaults.buildArgs.push({ name, value });
  const secretFile = await readOptional(join(cwd, ".secret"));
  if (secretFile !== undefined) for (const [id, value] of parseDotenv(secretFile, join(cwd, ".secret"))) defaults.secrets.push({ id, value });
  const secrets = lookup("SECRETS");
  if (secrets) for (const [id, value] of pairs(secrets[1], secrets[0])) defaults.secrets.push({ id, value });
  const secretFiles = lookup("SECRET_FILES");
  if (secretFiles) for (const [id, path] of pairs(secretFiles[1], secretFiles[0])) defaults.secretFiles.push({ id, path });
  const insteadOf = lookup("GIT_URL_INSTEAD_OF");
  if (insteadOf) defaults.gitUrlInsteadOf = parseUrlInsteadOf(insteadOf[1], insteadOf[0]);
  return defaults;
}
