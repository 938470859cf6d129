/**
 * Finding where a `$(...)` command substitution ends: parens nest, and quotes, backquotes and
 * backslashes hide parens, as in a POSIX shell (`$(echo "a)b")` is one substitution).
 */

/**
 * Given `text` and the index of the `(` that follows a `$`, returns the index of the matching `)`,
 * or -1 when the substitution never closes.
 */
export function findShellOutEnd(text: string, openParen: number): number {
  let depth = 0;
  let i = openParen;
  while (i < text.length) {
    const ch = text[i];
    switch (ch) {
      case "\\":
        i += 2;
        continue;
      case "'": {
        const close = text.indexOf("'", i + 1);
        if (close < 0) return -1;
        i = close + 1;
        continue;
      }
      case '"': {
        const close = findDoubleQuoteEnd(text, i + 1);
        if (close < 0) return -1;
        i = close + 1;
        continue;
      }
      case "`": {
        const close = findBackquoteEnd(text, i + 1);
        if (close < 0) return -1;
        i = close + 1;
        continue;
      }
      case "(":
        depth++;
        break;
      case ")":
        depth--;
        if (depth === 0) return i;
        break;
    }
    i++;
  }
  return -1;
}

/** Index of the `"` closing a double-quoted string whose content starts at `from`, or -1. */
function findDoubleQuoteEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    const ch = text[i];
    if (ch === "\\") {
      i += 2;
      continue;
    }
    if (ch === '"') return i;
    if (ch === "$" && text[i + 1] === "(") {
      // A substitution inside the quotes may hold quotes of its own: "$(echo "x")".
      const close = findShellOutEnd(text, i + 1);
      if (close < 0) return -1;
      i = close + 1;
      continue;
    }
    if (ch === "`") {
      const close = findBackquoteEnd(text, i + 1);
      if (close < 0) return -1;
      i = close + 1;
      continue;
    }
    i++;
  }
  return -1;
}

function findBackquoteEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    if (text[i] === "\\") {
      i += 2;
      continue;
    }
    if (text[i] === "`") return i;
    i++;
  }
  return -1;
}

/** Removes the trailing newlines of a command's output, as `$(...)` does in a shell. */
export function trimTrailingNewlines(output: string): string {
  let end = output.length;
  while (end > 0 && output[end - 1] === "\n") end--;
  return output.slice(0, end);
}
