/**
 * The command line around the cursor, read from the text rather than the AST, so hover and completion
 * work on the half-typed lines an editor mostly holds: the keyword that starts the (possibly
 * continued) line, the words after it, and the word under the cursor.
 */
import type { Position } from "vscode-languageserver";
import { commandDoc, type CommandDoc } from "../parser/command-docs.js";

/** A word on one physical line; `start` and `end` are characters (UTF-16) on that line. */
export interface LineWord {
  text: string;
  line: number;
  start: number;
  end: number;
}

export interface LineContext {
  /** The command the logical line starts with, when it is one. */
  command?: CommandDoc;
  /** The words of the keyword (one, or two for `SAVE ARTIFACT`). */
  keywordWords: LineWord[];
  /** The words after the keyword, up to the end of the cursor's line. */
  args: LineWord[];
  /** The word the cursor is in or right after, if any. */
  cursorWord?: LineWord;
  /** The part of the cursor's word before the cursor ("" between words). */
  typed: string;
  /** Where the typed part starts (the cursor when nothing is typed). */
  typedStart: Position;
  /** True when nothing but blanks stands before the cursor on a line that continues nothing. */
  atCommandStart: boolean;
  /** True when the logical line is a target or function header (`name:` at column 1). */
  header: boolean;
}

/** Words after a keyword that make a two-word keyword. */
const secondWords: Record<string, string[]> = { SAVE: ["ARTIFACT", "IMAGE"], FROM: ["DOCKERFILE"], GIT: ["CLONE"], WITH: ["DOCKER"], ELSE: ["IF"] };

export function lineContext(text: string, at: Position): LineContext {
  const lines = text.split("\n").map((l) => l.replace(/\r$/, ""));
  const current = lines[at.line] ?? "";
  let first = at.line;
  while (first > 0 && continues(lines[first - 1]!)) first--;
  const words: LineWord[] = [];
  for (let l = first; l <= at.line; l++) words.push(...wordsOf(lines[l] ?? "", l));
  const cursorWord = words.find((w) => w.line === at.line && w.start <= at.character && at.character <= w.end);
  const typed = cursorWord === undefined ? "" : cursorWord.text.slice(0, at.character - cursorWord.start);
  const before = current.slice(0, at.character);
  const context: LineContext = {
    keywordWords: [],
    args: words,
    typed,
    typedStart: { line: at.line, character: at.character - typed.length },
    atCommandStart: first === at.line && before.trim() === typed && !/^[^\s#]*:\s*$/.test(current),
    header: /^[A-Za-z][A-Za-z0-9._-]*:\s*$/.test(lines[first] ?? "") && !/^\s/.test(lines[first] ?? ""),
  };
  if (cursorWord !== undefined) context.cursorWord = cursorWord;
  const head = words[0];
  if (head === undefined || context.header) {
    return context;
  }
  const second = words[1];
  const two = second !== undefined && secondWords[head.text]?.includes(second.text) ? commandDoc(`${head.text} ${second.text}`) : undefined;
  const command = two ?? commandDoc(head.text);
  if (command === undefined) return context;
  context.command = command;
  context.keywordWords = two === undefined ? [head] : [head, second!];
  context.args = words.slice(context.keywordWords.length);
  return context;
}

/** A line ending in `\` continues on the next one (comments never continue). */
function continues(line: string): boolean {
  return /\\\s*$/.test(line) && !/^\s*#/.test(line);
}

/** The blank-separated words of a line, a trailing continuation `\` and comments left out. */
function wordsOf(line: string, lineNumber: number): LineWord[] {
  if (/^\s*#/.test(line)) return [];
  const out: LineWord[] = [];
  for (const match of line.matchAll(/\S+/g)) {
    if (match[0] === "\\" && line.slice(match.index + 1).trim() === "") break;
    out.push({ text: match[0], line: lineNumber, start: match.index, end: match.index + match[0].length });
  }
  return out;
}

/**
 * How many of the arguments are the command's leading flags: flags stop at the first other word
 * (a value flag written `--flag value` takes the next word with it) or after a lone `--`.
 */
export function leadingFlagCount(context: LineContext): number {
  const { args, command } = context;
  let i = 0;
  while (i < args.length) {
    const word = args[i]!.text;
    if (word === "--") return i;
    const name = flagName(word);
    if (name === undefined) return i;
    const takesNext = !word.includes("=") && command?.flags.find((f) => f.name === name)?.value === "value";
    i += takesNext && i + 1 < args.length ? 2 : 1;
  }
  return i;
}

/** The flag name of a word (`--mount=type=cache` → `--mount`), or undefined when it is no flag. */
export function flagName(word: string): string | undefined {
  if (!word.startsWith("-")) return undefined;
  const eq = word.indexOf("=");
  return eq < 0 ? word : word.slice(0, eq);
}
