/**
 * The words of one logical line and the typed readings every command shares: flags (`--f`,
 * `--f=value`, `--f value`, repeated), `--NAME=value` overrides, `(+t/a --X=1)` groups, `--mount`
 * specs, shell text with continuations joined, and exec-form JSON.
 */
import type { IToken } from "chevrotain";
import type { ArgOverride, CommandLine, MountSpec, SourceRange, SyntaxProblem, Word } from "./ast.js";
import { didYouMean, problem } from "./problems.js";
import { endOffsetOf, startOffsetOf, type SourceText } from "./source.js";

/** One command line being read: its keyword, its words, and where problems go. */
export class Line {
  readonly keyword: string;
  readonly words: Word[];
  /** The range of the whole logical line, keyword included. */
  readonly range: SourceRange;
  readonly src: SourceText;
  readonly problems: SyntaxProblem[];

  constructor(keyword: string, keywordToken: IToken, tokens: IToken[], src: SourceText, problems: SyntaxProblem[]) {
    this.keyword = keyword;
    this.src = src;
    this.problems = problems;
    this.words = tokens.map((t) => wordOf(t, src));
    const last = this.words[this.words.length - 1];
    const start = keywordToken.startOffset;
    this.range = src.range(start, last === undefined ? start + keywordToken.image.length : endOffsetOf(last.range));
  }

  /** Records a problem at `range` (the line by default). */
  report(message: string, range: SourceRange = this.range, extra: { expected?: string[]; hint?: string } = {}): void {
    this.problems.push(problem(message, range, extra));
  }

  /** A word for part of another word (`value` in `--A=value`), offsets relative to the word. */
  part(word: Word, from: number, to = word.text.length): Word {
    const start = startOffsetOf(word.range) + from;
    return { text: word.text.slice(from, to), range: this.src.range(start, startOffsetOf(word.range) + to) };
  }

  /**
   * The source from `words[from]` to the end of the line as one Word, continuations joined: the
   * value of `ARG X=a b`, the shell text of RUN.
   */
  rest(words: Word[], from: number, startOffset?: number): Word | undefined {
    const first = words[from];
    const last = words[words.length - 1];
    if (first === undefined || last === undefined) return undefined;
    const start = startOffset ?? startOffsetOf(first.range);
    const end = endOffsetOf(last.range);
    return { text: joinContinuations(this.src.text.slice(start, end)), range: this.src.range(start, end) };
  }

  /** Reads a command line (RUN, CMD, ENTRYPOINT, IF): exec form when it is a JSON array of strings. */
  commandLine(words: Word[]): CommandLine {
    const text = this.rest(words, 0)?.text ?? "";
    if (text.startsWith("[")) {
      const exec = parseExecForm(text);
      if (exec !== undefined) return { form: "exec", command: words, text, exec };
    }
    return { form: "shell", command: words, text };
  }
}

const continuation = /\\[ \t]*\r?\n(?:[ \t]*#[^\r\n]*\r?\n)*/g;

/** Removes `\`+newline (and comment lines inside a continuation), as Dockerfiles do. */
export function joinContinuations(text: string): string {
  return text.includes("\\") ? text.replace(continuation, "") : text;
}

export function wordOf(token: IToken, src: SourceText): Word {
  return { text: token.image, range: src.range(token.startOffset, token.startOffset + token.image.length) };
}

/** `["...` or `[]`: worth a JSON.parse (IF [ -f x ] is not, and a throw is costly). */
const looksLikeJsonArray = /^\[\s*(?:"|\])/;

function parseExecForm(text: string): string[] | undefined {
  if (!looksLikeJsonArray.test(text)) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value as string[];
  } catch {
    // not JSON: shell form, as in Dockerfiles
  }
  return undefined;
}

/** How a flag takes its value. `group` is a value that may be a parenthesised `(+t --A=1)` group. */
export type FlagKind = "bool" | "value" | "group";

/** A flag's spelling (with its dashes) → how it takes a value. */
export type FlagSpec = Record<string, FlagKind>;

/** One flag occurrence. `value` is set for value flags (and `--bool=false` style booleans). */
export interface FlagUse {
  name: string;
  value?: Word;
  /** Further words of a parenthesised group value. */
  group: Word[];
  range: SourceRange;
}

/** The flags at the front of a line, read against a spec; `next` is the first word after them. */
export class Flags {
  readonly uses: FlagUse[] = [];
  next = 0;

  bool(name: string): boolean {
    let on = false;
    for (const use of this.uses) {
      if (use.name !== name) continue;
      on = use.value === undefined || use.value.text !== "false";
    }
    return on;
  }

  /** The last value given (a later flag wins, as on command lines). */
  value(name: string): Word | undefined {
    let found: Word | undefined;
    for (const use of this.uses) if (use.name === name && use.value !== undefined) found = use.value;
    return found;
  }

  values(name: string): Word[] {
    const out: Word[] = [];
    for (const use of this.uses) if (use.name === name && use.value !== undefined) out.push(use.value);
    return out;
  }

  all(name: string): FlagUse[] {
    return this.uses.filter((u) => u.name === name);
  }
}

function isFlag(text: string, spec: FlagSpec): boolean {
  if (text.startsWith("--")) return text.length > 2;
  const eq = text.indexOf("=");
  return text.startsWith("-") && spec[eq < 0 ? text : text.slice(0, eq)] !== undefined;
}

/**
 * Reads the flags at the front of `line.words` (from `from`). Stops at the first word that is no
 * flag, or after a lone `--`. Unknown flags are reported with the closest known one.
 */
export function readFlags(line: Line, spec: FlagSpec, from = 0): Flags {
  const words = line.words;
  const flags = new Flags();
  let i = from;
  while (i < words.length) {
    const word = words[i]!;
    if (word.text === "--") {
      i++;
      break;
    }
    if (!isFlag(word.text, spec)) break;
    const eq = word.text.indexOf("=");
    const name = eq < 0 ? word.text : word.text.slice(0, eq);
    const kind = spec[name];
    i++;
    if (kind === undefined) {
      line.report(`${line.keyword} has no flag ${name}`, word.range, {
        expected: Object.keys(spec),
        hint: didYouMean(name, Object.keys(spec)) ?? `see \`${line.keyword}\` in the language reference`,
      });
      continue;
    }
    const use: FlagUse = { name, group: [], range: word.range };
    if (eq >= 0) {
      use.value = line.part(word, eq + 1);
      if (kind === "bool" && use.value.text !== "true" && use.value.text !== "false") {
        line.report(`${name} is a switch: give it no value, or =true / =false`, word.range);
      }
    } else if (kind !== "bool") {
      const value = words[i];
      if (value === undefined) {
        line.report(`${name} needs a value`, word.range, { hint: `write ${name}=VALUE` });
      } else {
        use.value = value;
        i++;
      }
    }
    if (kind === "group" && use.value !== undefined && opensGroup(use.value.text)) {
      while (!closesGroup(words[i - 1]!.text) && i < words.length) use.group.push(words[i++]!);
      if (!closesGroup(words[i - 1]!.text)) line.report(`missing ) to close the group opened here`, use.value.range);
    }
    use.range = spanOf(line, word.range, words[i - 1]!.range);
    flags.uses.push(use);
  }
  flags.next = i;
  return flags;
}

function opensGroup(text: string): boolean {
  return text.startsWith("(") || text.includes("=(");
}

/** Whether a word ends a `( ... )` group: a `)` that does not close one of its own `$(...)`. */
export function closesGroup(text: string): boolean {
  let t = text;
  for (let previous = ""; previous !== t; ) {
    previous = t;
    t = t.replace(/\$\([^()]*\)/g, "");
  }
  return t.endsWith(")");
}

export function spanOf(line: Line, a: SourceRange, b: SourceRange): SourceRange {
  return line.src.range(startOffsetOf(a), endOffsetOf(b));
}

/** `--NAME=value` (or bare `--NAME`) words after a target reference. */
export function readOverrides(line: Line, words: Word[]): ArgOverride[] {
  const out: ArgOverride[] = [];
  for (const word of words) {
    if (!word.text.startsWith("--") || word.text.length < 3) {
      line.report(`expected --NAME=value after the reference, found ${word.text}`, word.range, {
        hint: "pass build args as --NAME=value",
      });
      continue;
    }
    const eq = word.text.indexOf("=");
    const name = word.text.slice(2, eq < 0 ? undefined : eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      line.report(`"${name}" is not a valid arg name`, word.range);
    }
    const override: ArgOverride = { name, range: word.range };
    if (eq >= 0) override.value = line.part(word, eq + 1);
    out.push(override);
  }
  return out;
}

/** The reference and overrides of a `(+t/a --X=1)` group spread over `words` (parens included). */
export function readGroup(line: Line, words: Word[]): { ref: Word; overrides: ArgOverride[]; range: SourceRange } {
  const first = words[0]!;
  const last = words[words.length - 1]!;
  const inner = words.map((w, i) => {
    let from = i === 0 ? 1 : 0;
    let to = w.text.length;
    if (i === words.length - 1 && w.text.endsWith(")")) to--;
    if (from > to) from = to;
    return line.part(w, from, to);
  });
  // `( +t/a --X=1 )` with blanks inside the parens leaves empty words: skip them.
  const present = inner.filter((w) => w.text !== "");
  const ref = present[0] ?? inner[0]!;
  if (present.length === 0) line.report("expected a target reference inside ( )", spanOf(line, first.range, last.range), { hint: "write (+target/artifact --NAME=value)" });
  const overrides = readOverrides(line, present.slice(1));
  return { ref, overrides, range: spanOf(line, first.range, last.range) };
}

/** Splits `type=cache,target=/p,id=x` into its keys. */
export function readMount(line: Line, spec: Word, range: SourceRange): MountSpec {
  const options: { key: string; value?: string }[] = [];
  for (const part of spec.text.split(",")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    if (eq < 0) options.push({ key: part });
    else options.push({ key: part.slice(0, eq), value: part.slice(eq + 1) });
  }
  const mount: MountSpec = { spec, options, range };
  const type = options.find((o) => o.key === "type")?.value;
  if (type !== undefined) mount.type = type;
  else line.report("a --mount needs type=cache, tmpfs, secret or bind-experimental", spec.range);
  return mount;
}

/** Index of the first `=` outside quotes, or -1. */
export function unquotedEquals(text: string): number {
  let quote = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== "") {
      if (c === "\\" && quote === '"') i++;
      else if (c === quote) quote = "";
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "\\") i++;
    else if (c === "=") return i;
  }
  return -1;
}
