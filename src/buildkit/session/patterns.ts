/**
 * Include and exclude patterns for build contexts, with the semantics the daemon expects from a
 * BuildKit client (moby/patternmatcher, as used by fsutil): `*` and `?` stay inside one path
 * component, `**` crosses components, `[...]` is a character class, `\` escapes, a leading `!` makes an
 * exception, the last matching pattern wins, and a pattern that matches a directory matches
 * everything below it.
 */
import { posix } from "node:path";

/** Per-pattern results for a directory, handed to its children so they need not re-match parents. */
export interface MatchInfo {
  readonly parentMatched: readonly boolean[];
}

type MatchKind = "exact" | "prefix" | "suffix" | "regexp";

/** One cleaned pattern. */
export class Pattern {
  /** The pattern after cleaning, without its `!`. */
  readonly text: string;
  /** True for `!pattern`: an exception that re-includes what earlier patterns excluded. */
  readonly exclusion: boolean;
  private readonly kind: MatchKind;
  private readonly regexp: RegExp | undefined;

  constructor(text: string, exclusion: boolean) {
    this.text = text;
    this.exclusion = exclusion;
    const compiled = compile(text);
    this.kind = compiled.kind;
    this.regexp = compiled.regexp;
  }

  /** Whether the slash-separated relative `path` matches this pattern by itself (no parents). */
  matches(path: string): boolean {
    switch (this.kind) {
      case "exact":
        return path === this.text;
      case "prefix":
        return path.startsWith(this.text.slice(0, -2));
      case "suffix": {
        const suffix = this.text.slice(2);
        if (path.endsWith(suffix)) return true;
        // `**/foo` also matches `foo` itself.
        return suffix.startsWith("/") && path === suffix.slice(1);
      }
      case "regexp":
        return this.regexp!.test(path);
    }
  }

  /** The pattern with a trailing `/**` or `/*` removed: the directory it certainly lives under. */
  withoutTrailingGlob(): string {
    let text = this.text;
    if (text.endsWith("/**")) text = text.slice(0, -3);
    if (text.endsWith("/*")) text = text.slice(0, -2);
    return text;
  }
}

/** An ordered list of patterns, evaluated as one: the last pattern that matches decides. */
export class PatternMatcher {
  readonly patterns: readonly Pattern[];
  /** True when some pattern is a `!` exception. */
  readonly hasExclusions: boolean;

  /** Throws an Error naming the pattern when one is malformed (an unclosed `[`, a lone `!`). */
  constructor(patterns: readonly string[]) {
    const compiled: Pattern[] = [];
    for (const raw of patterns) {
      let text = raw.trim();
      if (text === "") continue;
      text = cleanPath(text);
      let exclusion = false;
      if (text.startsWith("!")) {
        if (text.length === 1) throw new Error('illegal exclusion pattern: "!"');
        exclusion = true;
        text = text.slice(1);
      }
      compiled.push(new Pattern(text, exclusion));
    }
    this.patterns = compiled;
    this.hasExclusions = compiled.some((p) => p.exclusion);
  }

  /** Whether `file` or one of its parent directories is selected by the patterns. */
  matchesOrParentMatches(file: string): boolean {
    return this.matchesUsingParentResults(file, undefined).matched;
  }

  /**
   * Like matchesOrParentMatches, for a walk: `parent` is the info returned for the parent directory
   * (undefined at the top, where parents are matched from the path itself).
   */
  matchesUsingParentResults(file: string, parent: MatchInfo | undefined): { matched: boolean; info: MatchInfo } {
    const parentMatched = parent?.parentMatched ?? [];
    let matched = false;
    const info: boolean[] = new Array<boolean>(this.patterns.length).fill(false);
    this.patterns.forEach((pattern, i) => {
      let match = parentMatched[i] ?? false;
      if (!match) {
        // An inclusion cannot change a match already made, nor an exception a non-match.
        if (pattern.exclusion !== matched) return;
        match = pattern.matches(file);
        if (!match && parent === undefined) match = someParentMatches(pattern, file);
      }
      info[i] = match;
      if (match) matched = !pattern.exclusion;
    });
    return { matched, info: { parentMatched: info } };
  }
}

function someParentMatches(pattern: Pattern, file: string): boolean {
  const parts = file.split("/");
  for (let i = 1; i < parts.length; i++) {
    if (pattern.matches(parts.slice(0, i).join("/"))) return true;
  }
  return false;
}

/** Go's path.Clean: no `.` or `..` components that can be resolved, no trailing or double slashes. */
export function cleanPath(p: string): string {
  if (p === "") return ".";
  let cleaned = posix.normalize(p);
  if (cleaned.length > 1 && cleaned.endsWith("/")) cleaned = cleaned.slice(0, -1);
  return cleaned;
}

const regexpSpecials = new Set([".", "+", "(", ")", "|", "{", "}", "$"]);

/** Turns a pattern into a matcher the way patternmatcher does, including its fast paths. */
function compile(pattern: string): { kind: MatchKind; regexp: RegExp | undefined } {
  let source = "^";
  let kind: MatchKind = "exact";
  const chars = [...pattern];
  let bracketDepth = 0;
  for (let pos = 0, step = 0; pos < chars.length; pos++, step++) {
    const ch = chars[pos]!;
    if (ch === "*") {
      if (chars[pos + 1] === "*") {
        pos++;
        if (chars[pos + 1] === "/") pos++; // `**/` is the same as `**`
        if (pos + 1 >= chars.length) {
          // A trailing `**` accepts everything, as in .gitignore.
          if (kind === "exact") kind = "prefix";
          else {
            source += ".*";
            kind = "regexp";
          }
        } else {
          source += "(.*/)?";
          kind = "regexp";
        }
        if (step === 0) kind = "suffix";
      } else {
        source += "[^/]*";
        kind = "regexp";
      }
    } else if (ch === "?") {
      source += "[^/]";
      kind = "regexp";
    } else if (regexpSpecials.has(ch)) {
      source += "\\" + ch;
    } else if (ch === "\\") {
      if (pos + 1 < chars.length) {
        pos++;
        source += "\\" + chars[pos];
        kind = "regexp";
      } else {
        source += "\\\\";
      }
    } else if (ch === "[" || ch === "]") {
      bracketDepth += ch === "[" ? 1 : -1;
      source += ch;
      kind = "regexp";
    } else {
      source += ch;
    }
  }
  if (bracketDepth !== 0) throw new Error(`invalid pattern ${JSON.stringify(pattern)}: unbalanced brackets`);
  if (kind !== "regexp") return { kind, regexp: undefined };
  try {
    return { kind, regexp: new RegExp(source + "$") };
  } catch {
    throw new Error(`invalid pattern ${JSON.stringify(pattern)}`);
  }
}
