/**
 * Building Buildfile ASTs in tests, one statement per line, so planner tests do not depend on the
 * parser. `buildfile()` numbers the lines: the base recipe first, then each target and function.
 */
import type * as ast from "../../../src/parser/ast.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
const at = (): ast.SourceRange => ({ file: "", start: { line: 0, column: 1, offset: 0 }, end: { line: 0, column: 1, offset: 0 } });
export const word = (text: string): ast.Word => ({ text, range: at() });

function overrides(list: Record<string, string> | Array<[string, string]> = []): ast.ArgOverride[] {
  const pairs = Array.isArray(list) ? list : Object.entries(list);
  return pairs.map(([name, value]) => ({ name, value: word(value), range: at() }));
}

const execFlags = { privileged: false, ssh: false, noCache: false, secrets: [], mounts: [] };

export const FROM = (image: string, o: { overrides?: Record<string, string>; passArgs?: boolean; platform?: string } = {}): ast.FromCommand => ({
  kind: "FROM",
  range: at(),
  args: [],
  flags: { platform: o.platform === undefined ? undefined : word(o.platform), allowPrivileged: false, passArgs: o.passArgs ?? false, buildArgs: [] },
  image: word(image),
  overrides: overrides(o.overrides),
});

export const BUILD = (target: string, o: { overrides?: Record<string, string> | Array<[string, string]>; passArgs?: boolean; platforms?: string[] } = {}): ast.BuildCommand => ({
  kind: "BUILD",
  range: at(),
  args: [],
  flags: { platforms: (o.platforms ?? []).map(word), allowPrivileged: false, passArgs: o.passArgs ?? false, autoSkip: false, buildArgs: [] },
  target: word(target),
  overrides: overrides(o.overrides),
});

export const COPY = (source: string, dest: string, o: { overrides?: Record<string, string> } = {}): ast.CopyCommand => ({
  kind: "COPY",
  range: at(),
  args: [],
  flags: { dir: false, keepTs: false, keepOwn: false, ifExists: false, symlinkNoFollow: false, allowPrivileged: false, passArgs: false, buildArgs: [] },
  sources: [{ source: word(source), overrides: overrides(o.overrides), parenthesized: o.overrides !== undefined, range: at() }],
  dest: word(dest),
});

export const DO = (fn: string, o: { overrides?: Record<string, string>; passArgs?: boolean } = {}): ast.DoCommand => ({
  kind: "DO",
  range: at(),
  args: [],
  flags: { allowPrivileged: false, passArgs: o.passArgs ?? false },
  function: word(fn),
  overrides: overrides(o.overrides),
});

export const ARG = (name: string, value?: string, flags: { global?: boolean; required?: boolean } = {}): ast.ArgCommand => ({
  kind: "ARG",
  range: at(),
  args: [],
  flags: { global: flags.global ?? false, required: flags.required ?? false },
  name: word(name),
  value: value === undefined ? undefined : word(value),
});

export const IMPORT = (ref: string, alias?: string): ast.ImportCommand => ({
  kind: "IMPORT",
  range: at(),
  args: [],
  flags: { allowPrivileged: false, passArgs: false },
  ref: word(ref),
  alias: alias === undefined ? undefined : word(alias),
});

export const SAVE_IMAGE = (...names: string[]): ast.SaveImageCommand => ({
  kind: "SAVE_IMAGE",
  range: at(),
  args: [],
  flags: { push: false, noManifestList: false, cacheHint: false, insecure: false, cacheFrom: [], withoutEarthlyLabels: false },
  names: names.map(word),
});

export const SAVE_ARTIFACT = (source: string, asLocal?: string, force = false): ast.SaveArtifactCommand => ({
  kind: "SAVE_ARTIFACT",
  range: at(),
  args: [],
  flags: { keepTs: false, keepOwn: false, ifExists: false, symlinkNoFollow: false, force },
  source: word(source),
  asLocal: asLocal === undefined ? undefined : word(asLocal),
});

export const RUN = (text: string, o: { push?: boolean; privileged?: boolean; secrets?: string[] } = {}): ast.RunCommand => ({
  kind: "RUN",
  range: at(),
  args: [],
  form: "shell",
  command: [word(text)],
  text,
  flags: {
    ...execFlags,
    privileged: o.privileged ?? false,
    secrets: (o.secrets ?? []).map(word),
    push: o.push ?? false,
    entrypoint: false,
    interactive: false,
    interactiveKeep: false,
    aws: false,
    rawOutput: false,
    withDocker: false,
  },
});

export const IF = (condition: string, body: ast.Statement[], elseBody?: ast.Statement[]): ast.IfBlock => ({
  kind: "IF",
  range: at(),
  branches: [{ range: at(), args: [], flags: execFlags, condition: { form: "shell", command: [word(condition)], text: condition }, body }],
  elseBody,
});

export const FOR = (variable: string, expression: string, body: ast.Statement[]): ast.ForBlock => ({
  kind: "FOR",
  range: at(),
  args: [],
  flags: execFlags,
  variable: word(variable),
  expression: [word(expression)],
  body,
});

/** A whole file; statements get consecutive lines in the order written. */
export function buildfile(
  file: string,
  parts: { base?: ast.Statement[]; targets?: Record<string, ast.Statement[]>; functions?: Record<string, ast.Statement[]> },
): ast.Buildfile {
  let line = 1;
  const place = (node: { range: ast.SourceRange }) => {
    const range = node.range as Mutable<ast.SourceRange>;
    range.file = file;
    range.start = { line, column: 1, offset: 0 };
    range.end = { line, column: 80, offset: 0 };
  };
  const number = (statements: ast.Statement[]): ast.Statement[] => {
    for (const s of statements) {
      line++;
      place(s);
      for (const value of Object.values(s)) visitWords(value, (w) => place(w));
      if ("body" in s && Array.isArray(s.body)) number(s.body);
      if (s.kind === "IF") for (const b of s.branches) (place(b), number(b.body));
      if (s.kind === "IF" && s.elseBody !== undefined) number(s.elseBody);
    }
    return statements;
  };
  const baseRecipe = number(parts.base ?? []);
  const targets = Object.entries(parts.targets ?? {}).map(([name, recipe]) => {
    line++;
    const target: ast.Target = { name, recipe: [], range: at() };
    place(target);
    target.recipe = number(recipe);
    return target;
  });
  const functions = Object.entries(parts.functions ?? {}).map(([name, recipe]) => {
    line += 2;
    const fn: ast.FunctionDef = { name, keyword: "FUNCTION", recipe: [], range: at() };
    place(fn);
    fn.recipe = number(recipe);
    return fn;
  });
  return { file, baseRecipe, targets, functions, range: at() };
}

function visitWords(value: unknown, visit: (w: { range: ast.SourceRange }) => void): void {
  if (Array.isArray(value)) for (const v of value) visitWords(v, visit);
  else if (value !== null && typeof value === "object" && !("kind" in value)) {
    if ("range" in value) visit(value as ast.Word);
    for (const [key, v] of Object.entries(value)) if (key !== "range" && key !== "body") visitWords(v, visit);
  }
}

export const ENV = (key: string, value: string): ast.EnvCommand => ({
  kind: "ENV",
  range: at(),
  args: [],
  form: "pairs",
  pairs: [{ key: word(key), value: word(value), range: at() }],
});

export const WORKDIR = (path: string): ast.WorkdirCommand => ({ kind: "WORKDIR", range: at(), args: [], path: word(path) });

export const CMD = (...exec: string[]): ast.CmdCommand => ({ kind: "CMD", range: at(), args: [], form: "exec", command: [], text: JSON.stringify(exec), exec });
