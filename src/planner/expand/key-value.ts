/**
 * Splitting the arguments of ENV and LABEL into pairs, as Dockerfiles do (Earthly #3959):
 * `ENV A=1 B="two words" C=x\ y` gives three pairs, and `ENV KEY value with spaces` (no `=` in the
 * first word) gives one pair whose value is the rest of the line. Keys and values come back raw
 * (quotes and escapes still in them) with their offsets: the value goes through `expandWord` next.
 */
import { ExpansionError } from "./errors.js";

/** One `key=value` pair, raw, with offsets into the text it was parsed from. */
export interface KeyValuePair {
  key: string;
  value: string;
  keyOffset: number;
  valueOffset: number;
}

/** `pairs` for `K=V ...`; `single` for the old `K value with spaces` form. */
export type KeyValueForm = "pairs" | "single";

export interface KeyValuePairs {
  form: KeyValueForm;
  pairs: KeyValuePair[];
}

const escapeChar = "\\";
const isSpace = (ch: string) => /\s/.test(ch);
// Only these separate the key from the value in the single-pair form (Docker: [\t\v\f\r ]+).
const singleFormSeparator = /[\t\v\f\r ]+/;

interface RawWord {
  text: string;
  offset: number;
}

/** Parses the arguments of ENV or LABEL; throws ExpansionError with an offset on malformed input. */
export function parseKeyValuePairs(text: string): KeyValuePairs {
  const words = rawWords(text);
  if (words.length === 0) {
    throw new ExpansionError("missing-value", "expected at least one name=value pair", 0, Math.max(1, text.length));
  }
  const first = words[0]!;
  if (!first.text.includes("=")) {
    const rest = text.slice(first.offset + first.text.length);
    const separator = singleFormSeparator.exec(rest);
    const valueStart = separator === null || separator.index !== 0 ? -1 : separator[0].length;
    const value = valueStart < 0 ? "" : rest.slice(valueStart).trimEnd();
    if (value === "") {
      throw new ExpansionError("missing-value", `${first.text} needs a value: write ${first.text}=value or ${first.text} value`, first.offset, first.text.length);
    }
    const valueOffset = first.offset + first.text.length + valueStart;
    return { form: "single", pairs: [{ key: first.text, value, keyOffset: first.offset, valueOffset }] };
  }
  const pairs = words.map((word) => {
    const equals = word.text.indexOf("=");
    if (equals < 0) {
      throw new ExpansionError("missing-equals", `can't find = in ${JSON.stringify(word.text)}: each pair must be name=value`, word.offset, word.text.length);
    }
    if (equals === 0) {
      throw new ExpansionError("empty-key", `a name is missing before = in ${JSON.stringify(word.text)}`, word.offset, word.text.length);
    }
    return {
      key: word.text.slice(0, equals),
      value: word.text.slice(equals + 1),
      keyOffset: word.offset,
      valueOffset: word.offset + equals + 1,
    };
  });
  return { form: "pairs", pairs };
}

/**
 * Splits on unquoted whitespace, keeping quotes and escapes in the words (Docker's parseWords). An
 * escape protects the next character, even a quote; inside single quotes nothing is escaped. A
 * lone escape at the very end is dropped.
 */
function rawWords(text: string): RawWord[] {
  const words: RawWord[] = [];
  let start = -1;
  let quote: string | undefined;
  const flush = (end: number) => {
    if (start >= 0) words.push({ text: text.slice(start, end), offset: start });
    start = -1;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (start < 0) {
      if (isSpace(ch)) continue;
      start = i;
    }
    if (quote === undefined) {
      if (isSpace(ch)) {
        flush(i);
      } else if (ch === "'" || ch === '"') {
        quote = ch;
      } else if (ch === escapeChar) {
        if (i + 1 === text.length) return flushAt(words, text, start, i);
        i++;
      }
    } else if (ch === quote) {
      quote = undefined;
    } else if (ch === escapeChar && quote !== "'") {
      if (i + 1 === text.length) return flushAt(words, text, start, i);
      i++;
    }
  }
  flush(text.length);
  return words;
}

/** Ends the last word before a trailing lone escape. */
function flushAt(words: RawWord[], text: string, start: number, end: number): RawWord[] {
  if (end > start) words.push({ text: text.slice(start, end), offset: start });
  return words;
}
