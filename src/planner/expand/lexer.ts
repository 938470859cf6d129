/**
 * The word lexer: one pass over a word that removes quotes, expands `$VAR`, `${VAR<op>word}` and
 * `$(command)`, and also splits the result into words. It follows BuildKit's Dockerfile shell lexer
 * (frontend/dockerfile/shell/lex.go, v0.13) rule for rule, with deliberate differences, each as a
 * POSIX shell does it: quoted parts of a `#`/`%`/`/` pattern are literal (`${V#"*"}` strips a `*`),
 * `${V##x}` is told from `${V#"#x"}` before quotes are removed, `*` and `?` also match newlines, and
 * `$(...)` runs a command.
 * It is synchronous: a command substitution calls `shellOut`, which the async front end feeds.
 */
import { ExpansionError } from "./errors.js";
import { PatternError, replaceMatches, trimPrefix, trimSuffix } from "./pattern.js";
import { findShellOutEnd, trimTrailingNewlines } from "./shell-out.js";

/** What the lexer needs from its caller. */
export interface LexScope {
  /** The value of a variable, or undefined when it is not set (which differs from empty). */
  lookup(name: string): string | undefined;
  /** Runs the command of a `$(...)`; `offset` is where the `$` is in the word. */
  shellOut(command: string, offset: number): string;
}

/** The lexer's result: the word with quotes removed, and the same text split into words. */
export interface LexResult {
  word: string;
  words: string[];
}

const escapeChar = "\\";

// Go's unicode.IsSpace: what separates words.
const spacePattern = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/;
const nameCharPattern = /^[\p{L}\p{Nd}_]$/u;
const digitPattern = /^\p{Nd}$/u;
// Shell special parameters (`$@`, `$#`, ...): never set in a build, like positional ones.
const specialParameters = new Set(["@", "*", "#", "?", "-", "$", "!", "0"]);

function isSpace(ch: string): boolean {
  return ch === " " || spacePattern.test(ch);
}

function isNameChar(ch: string): boolean {
  const c = ch.charCodeAt(0);
  // ASCII first: names are nearly always [A-Za-z0-9_].
  if (c < 0x80) return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f;
  return nameCharPattern.test(ch);
}

/** Collects words the way Dockerfile's ProcessWords does: expansions split, quoted text does not. */
class WordCollector {
  private word = "";
  private inWord = false;
  readonly words: string[] = [];

  addChar(ch: string): void {
    if (!isSpace(ch)) {
      this.addRaw(ch);
    } else if (this.inWord && this.word.length > 0) {
      this.words.push(this.word);
      this.word = "";
      this.inWord = false;
    }
  }

  addSplitting(text: string): void {
    for (const ch of text) this.addChar(ch);
  }

  addRaw(text: string): void {
    this.word += text;
    this.inWord = true;
  }

  finish(): string[] {
    if (this.word.length > 0) this.words.push(this.word);
    this.word = "";
    this.inWord = false;
    return this.words;
  }
}

/** Escapes glob characters so quoted text inside a pattern matches itself. */
function literalPattern(text: string): string {
  return text.replace(/[*?\\]/g, "\\$&");
}

/**
 * Expands one word, and splits it into words when `split` is set (otherwise `words` is empty);
 * throws ExpansionError with the offset of the faulty construct.
 */
export function lexWord(source: string, scope: LexScope, split: boolean): LexResult {
  const lexer = new Lexer(source, scope);
  const words = split ? new WordCollector() : undefined;
  const word = lexer.until(undefined, false, words);
  return { word, words: words?.finish() ?? [] };
}

class Lexer {
  private pos = 0;

  constructor(
    private readonly source: string,
    private readonly scope: LexScope,
  ) {}

  private peek(): string | undefined {
    const unit = this.source.charCodeAt(this.pos);
    if (Number.isNaN(unit)) return undefined;
    // Only a high surrogate starts a two-unit character; everything else is one unit.
    if (unit < 0xd800 || unit > 0xdbff) return this.source[this.pos];
    return String.fromCodePoint(this.source.codePointAt(this.pos)!);
  }

  private next(): string | undefined {
    const ch = this.peek();
    if (ch !== undefined) this.pos += ch.length;
    return ch;
  }

  /**
   * Reads up to (and past) `stop`, or to the end when `stop` is undefined. In a pattern, escapes are
   * kept for the glob matcher and quoted text is made literal. Throws UnterminatedError if `stop`
   * never came (the caller knows which construct that leaves open).
   */
  until(stop: string | undefined, pattern: boolean, words?: WordCollector): string {
    let result = "";
    for (;;) {
      const ch = this.peek();
      if (ch === undefined) break;
      if (stop !== undefined && ch === stop) {
        this.pos += ch.length;
        return result;
      }
      if (ch === "$") {
        const value = this.dollar();
        result += value;
        words?.addSplitting(value);
      } else if (ch === "'" || ch === '"') {
        const quoted = ch === "'" ? this.singleQuoted() : this.doubleQuoted();
        const text = pattern ? literalPattern(quoted) : quoted;
        result += text;
        words?.addRaw(text);
      } else {
        // Plain text is taken a run at a time: one slice, not a string per character.
        const end = this.plainEnd(stop, words !== undefined);
        if (end > this.pos) {
          const text = this.source.slice(this.pos, end);
          this.pos = end;
          result += text;
          words?.addRaw(text);
          continue;
        }
        this.pos += ch.length;
        if (ch !== escapeChar) {
          result += ch;
          words?.addChar(ch);
          continue;
        }
        if (pattern) result += ch;
        const escaped = this.next();
        if (escaped === undefined) break; // a lone escape at the end is dropped
        result += escaped;
        words?.addRaw(pattern ? ch + escaped : escaped);
      }
    }
    if (stop !== undefined) throw new UnterminatedError();
    return result;
  }

  /**
   * Where the run of plain ASCII characters at the position ends: none of `$`, quotes, the escape,
   * `stop`, or (when splitting) whitespace. Other characters go one at a time.
   */
  private plainEnd(stop: string | undefined, splitting: boolean): number {
    const source = this.source;
    const stopCode = stop === undefined ? -1 : stop.charCodeAt(0);
    let end = this.pos;
    for (; end < source.length; end++) {
      const c = source.charCodeAt(end);
      if (c >= 0x80 || c === 0x24 || c === 0x27 || c === 0x22 || c === 0x5c || c === stopCode) break;
      if (splitting && (c === 0x20 || (c >= 0x09 && c <= 0x0d))) break;
    }
    return end;
  }

  private singleQuoted(): string {
    const start = this.pos;
    const close = this.source.indexOf("'", start + 1);
    if (close < 0) {
      throw new ExpansionError("unterminated-quote", "unexpected end of statement while looking for matching single-quote", start);
    }
    this.pos = close + 1;
    return this.source.slice(start + 1, close);
  }

  private doubleQuoted(): string {
    const start = this.pos;
    this.pos++;
    let result = "";
    for (;;) {
      const ch = this.peek();
      if (ch === undefined) {
        throw new ExpansionError("unterminated-quote", "unexpected end of statement while looking for matching double-quote", start);
      }
      if (ch === '"') {
        this.pos++;
        return result;
      }
      if (ch === "$") {
        result += this.dollar();
        continue;
      }
      this.pos += ch.length;
      if (ch === escapeChar) {
        const escaped = this.peek();
        if (escaped === undefined) continue; // reported as an unterminated quote next turn
        // Inside double quotes only `"`, `$` and the escape itself can be escaped.
        if (escaped === '"' || escaped === "$" || escaped === escapeChar) {
          this.pos += escaped.length;
          result += escaped;
          continue;
        }
      }
      result += ch;
    }
  }

  /** Reads a name after `$`: letters, digits and `_`, or one positional or special parameter. */
  private name(): string {
    const first = this.peek();
    if (first === undefined) return "";
    if (digitPattern.test(first)) {
      let digits = "";
      for (let ch = this.peek(); ch !== undefined && digitPattern.test(ch); ch = this.peek()) digits += this.next();
      return digits;
    }
    if (specialParameters.has(first)) return this.next()!;
    let name = "";
    for (let ch = this.peek(); ch !== undefined && isNameChar(ch); ch = this.peek()) name += this.next();
    return name;
  }

  private lookup(name: string): string | undefined {
    if (name === "" || digitPattern.test(name[0]!) || specialParameters.has(name)) return undefined;
    return this.scope.lookup(name);
  }

  private dollar(): string {
    const start = this.pos;
    this.pos++;
    const after = this.peek();
    if (after === "(") return this.shellOut(start);
    if (after !== "{") {
      const name = this.name();
      return name === "" ? "$" : (this.lookup(name) ?? "");
    }
    this.pos++;
    const first = this.peek();
    if (first === undefined) throw this.error("missing-brace", "syntax error: missing '}'", start);
    if (first === "{" || first === "}" || first === ":") {
      throw this.error("bad-substitution", "syntax error: bad substitution", start, true);
    }
    const name = this.name();
    let op = this.next();
    if (op === undefined) throw this.error("missing-brace", "syntax error: missing '}'", start);
    if (op === "}") return this.lookup(name) ?? "";
    if (op === "/") return this.replace(name, start);

    let nullIsUnset = false;
    let spelled = op;
    if (op === ":") {
      nullIsUnset = true;
      op = this.next();
      if (op === undefined) throw this.error("missing-brace", "syntax error: missing '}'", start);
      spelled += op;
    } else if (!"+-?#%".includes(op)) {
      throw this.error("unsupported-modifier", `unsupported modifier (${op}) in substitution`, start, true);
    }
    const isPattern = op === "#" || op === "%";
    const greedy = isPattern && this.peek() === op;
    if (greedy) this.pos++;
    const word = this.closingWord(isPattern, start);

    const value = this.lookup(name);
    const unset = value === undefined || (nullIsUnset && value === "");
    switch (op) {
      case "-":
        return unset ? word : value!;
      case "+":
        return unset ? "" : word;
      case "?":
        if (!unset) return value!;
        throw new ExpansionError(
          "required-variable",
          `${name}: ${word !== "" ? word : value === undefined ? "is not allowed to be unset" : "is not allowed to be empty"}`,
          start,
          this.pos - start,
        );
      case "#":
      case "%":
        try {
          const text = value ?? "";
          return op === "#" ? trimPrefix(text, word, greedy) : trimSuffix(text, word, greedy);
        } catch (err) {
          throw this.patternError(err, word, start);
        }
      default:
        throw this.error("unsupported-modifier", `unsupported modifier (${spelled}) in substitution`, start, true);
    }
  }

  /** Reads the word of `${NAME<op>word}` up to its `}`. */
  private closingWord(pattern: boolean, start: number): string {
    try {
      return this.until("}", pattern);
    } catch (err) {
      if (err instanceof UnterminatedError) throw this.error("missing-brace", "syntax error: missing '}'", start);
      throw err;
    }
  }

  /** `${NAME/pattern/replacement}` and `${NAME//pattern/replacement}`. */
  private replace(name: string, start: number): string {
    const all = this.peek() === "/";
    if (all) this.pos++;
    let pattern: string;
    try {
      pattern = this.until("/", true);
    } catch (err) {
      if (err instanceof UnterminatedError) throw this.error("missing-slash", "syntax error: missing '/' in ${}", start);
      throw err;
    }
    const replacement = this.closingWord(true, start);
    try {
      return replaceMatches(this.lookup(name) ?? "", pattern, replacement, all);
    } catch (err) {
      throw this.patternError(err, pattern, start);
    }
  }

  private shellOut(start: number): string {
    const close = findShellOutEnd(this.source, this.pos);
    if (close < 0) {
      throw new ExpansionError("unterminated-shell-out", "unexpected end of statement while looking for the ')' of '$('", start, 2);
    }
    const command = this.source.slice(this.pos + 1, close);
    this.pos = close + 1;
    return trimTrailingNewlines(this.scope.shellOut(command, start));
  }

  /** An error spanning from `start` to the current position (or to the closing brace). */
  private error(kind: ExpansionError["kind"], message: string, start: number, toBrace = false): ExpansionError {
    let end = this.pos;
    if (toBrace) {
      const brace = this.source.indexOf("}", this.pos);
      if (brace >= 0) end = brace + 1;
    }
    return new ExpansionError(kind, message, start, Math.max(1, end - start));
  }

  private patternError(err: unknown, pattern: string, start: number): unknown {
    if (!(err instanceof PatternError)) return err;
    return new ExpansionError("invalid-pattern", `invalid pattern (${pattern}) in substitution: ${err.message}`, start, this.pos - start);
  }
}

/** Internal: `until` reached the end without its stop character; the caller knows what was missing. */
class UnterminatedError extends Error {}
