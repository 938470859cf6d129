/**
 * Shell glob patterns as `${VAR#pattern}`, `${VAR%pattern}` and `${VAR/pattern/replacement}` use them,
 * with the semantics of BuildKit's Dockerfile lexer: `*` is any string (shortest or longest match),
 * `?` any one character, `\*` `\?` `\\` are literal, `\}` and `\/` stand for `}` and `/`, and there
 * are no bracket expressions (`[` is literal). Any other escape is an error.
 */

/** A pattern the lexer could not turn into a matcher; the lexer adds the offset. */
export class PatternError extends Error {}

const regexSpecials = new Set(["[", "]", "{", "}", ".", "+", "(", ")", "|", "^", "$"]);

/** Compiles a glob pattern (escapes still in it) to a regular expression source. */
function toRegexSource(pattern: string, greedy: boolean, anchored: boolean): string {
  const chars = Array.from(pattern);
  let out = anchored ? "^" : "";
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch === "*") {
      out += greedy ? "[^]*" : "[^]*?";
    } else if (ch === "?") {
      out += "[^]";
    } else if (ch === "\\") {
      const next = chars[i + 1];
      // `\}` and `\/` only keep the character from ending the `${...}`; the escape is not part of it.
      if (next === "}" || next === "/") continue;
      if (next !== "*" && next !== "?" && next !== "\\") {
        throw new PatternError(
          next === undefined ? "invalid escape at the end of the pattern" : `invalid escape '\\${next}'`,
        );
      }
      out += "\\" + next;
      i++;
    } else {
      out += regexSpecials.has(ch) ? "\\" + ch : ch;
    }
  }
  return out;
}

function compile(pattern: string, greedy: boolean, anchored: boolean, flags = "u"): RegExp {
  return new RegExp(toRegexSource(pattern, greedy, anchored), flags);
}

/** `${VAR#pattern}` (shortest) and `${VAR##pattern}` (longest): removes a matching prefix. */
export function trimPrefix(value: string, pattern: string, greedy: boolean): string {
  const match = compile(pattern, greedy, true).exec(value);
  return match === null ? value : value.slice(match[0].length);
}

/** `${VAR%pattern}` (shortest) and `${VAR%%pattern}` (longest): removes a matching suffix. */
export function trimSuffix(value: string, pattern: string, greedy: boolean): string {
  // A regex finds leftmost matches only, so match the reversed pattern against the reversed value.
  const reversed = trimPrefix(reverse(value), reversePattern(pattern), greedy);
  return reverse(reversed);
}

/**
 * `${VAR/pattern/replacement}` (first match) and `${VAR//pattern/replacement}` (every match); the
 * pattern matches as much as it can, and the replacement is inserted literally.
 */
export function replaceMatches(value: string, pattern: string, replacement: string, all: boolean): string {
  const re = compile(pattern, true, false, "gu");
  let out = "";
  let copiedUpTo = 0;
  let previousEnd = -1;
  for (let match = re.exec(value); match !== null; match = re.exec(value)) {
    const start = match.index;
    const end = start + match[0].length;
    if (match[0].length === 0) {
      // Step past an empty match ourselves; like Go's regexp, ignore one that abuts the last match.
      re.lastIndex = start + (value.codePointAt(start)! > 0xffff ? 2 : 1);
      if (start === previousEnd) {
        if (start >= value.length) break;
        continue;
      }
    }
    out += value.slice(copiedUpTo, start) + replacement;
    copiedUpTo = end;
    previousEnd = end;
    if (!all || start >= value.length) break;
  }
  return out + value.slice(copiedUpTo);
}

function reverse(text: string): string {
  return Array.from(text).reverse().join("");
}

/** Reverses a pattern but keeps each escape before the character it escapes: `a\*c` → `c\*a`. */
function reversePattern(pattern: string): string {
  const chars = Array.from(pattern);
  const units: string[] = [];
  for (let i = 0; i < chars.length; i++) {
    if (chars[i] === "\\" && i + 1 < chars.length) {
      units.push(chars[i]! + chars[i + 1]!);
      i++;
    } else {
      units.push(chars[i]!);
    }
  }
  return units.reverse().join("");
}
