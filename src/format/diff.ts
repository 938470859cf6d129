/**
 * A unified diff of two texts (what `ebuild fmt --check` shows), in the format `diff -u` and
 * `git apply` read: `---`/`+++` headers, `@@ -a,b +c,d @@` hunks with three lines of context, and
 * `\ No newline at end of file` where a text lacks its final newline.
 */

const noNewline = "\u0000no newline";

interface Edit {
  op: " " | "-" | "+";
  line: string;
  /** The last line of its text, and that text has no final newline. */
  noNewline: boolean;
}

/** Lines of a text; `open` is set when the last one has no newline after it. */
function linesOf(text: string): { lines: string[]; open: boolean } {
  if (text === "") return { lines: [], open: false };
  const lines = text.split("\n");
  const open = lines[lines.length - 1] !== "";
  if (!open) lines.pop();
  return { lines, open };
}

/** The edit script from `a` to `b`: longest common subsequence over the lines between a shared head and tail. */
function edits(a: string[], b: string[]): Edit[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const x = a.slice(head, a.length - tail);
  const y = b.slice(head, b.length - tail);
  // lcs[i][j]: length of the longest common subsequence of x[i..] and y[j..].
  const lcs: Uint32Array[] = Array.from({ length: x.length + 1 }, () => new Uint32Array(y.length + 1));
  for (let i = x.length - 1; i >= 0; i--) {
    for (let j = y.length - 1; j >= 0; j--) {
      lcs[i]![j] = x[i] === y[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const out: Edit[] = a.slice(0, head).map((line) => ({ op: " ", line, noNewline: false }));
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x[i] === y[j]) {
      out.push({ op: " ", line: x[i++]!, noNewline: false });
      j++;
    } else if (i < x.length && (j === y.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      out.push({ op: "-", line: x[i++]!, noNewline: false });
    } else {
      out.push({ op: "+", line: y[j++]!, noNewline: false });
    }
  }
  for (const line of a.slice(a.length - tail)) out.push({ op: " ", line, noNewline: false });
  return out;
}

/**
 * The unified diff from `before` to `after`, or "" when they are equal. `name` labels both sides
 * as `a/name` and `b/name`, as git does.
 */
export function unifiedDiff(before: string, after: string, name: string, context = 3): string {
  if (before === after) return "";
  const a = linesOf(before);
  const b = linesOf(after);
  // A last line without its newline differs from the same line with one: a marked copy makes
  // the diff say so, as diff(1) does.
  const mark = (t: { lines: string[]; open: boolean }) => (t.open ? [...t.lines.slice(0, -1), t.lines[t.lines.length - 1]! + noNewline] : t.lines);
  const script = edits(mark(a), mark(b)).map((e) => (e.line.endsWith(noNewline) ? { ...e, line: e.line.slice(0, -noNewline.length), noNewline: true } : e));
  const out = [`--- a/${name}`, `+++ b/${name}`];
  return renderHunks(script, context, out);
}

function renderHunks(script: Edit[], context: number, out: string[]): string {
  const changed: number[] = [];
  script.forEach((e, k) => {
    if (e.op !== " ") changed.push(k);
  });
  let c = 0;
  while (c < changed.length) {
    const startChange = changed[c]!;
    let endChange = startChange;
    while (c + 1 < changed.length && changed[c + 1]! - endChange <= 2 * context) endChange = changed[++c]!;
    c++;
    const from = Math.max(0, startChange - context);
    const to = Math.min(script.length, endChange + context + 1);
    // Line numbers where the hunk starts on each side.
    let oldLine = 1;
    let newLine = 1;
    for (const e of script.slice(0, from)) {
      if (e.op !== "+") oldLine++;
      if (e.op !== "-") newLine++;
    }
    const body = script.slice(from, to);
    const oldCount = body.filter((e) => e.op !== "+").length;
    const newCount = body.filter((e) => e.op !== "-").length;
    out.push(`@@ -${range(oldLine, oldCount)} +${range(newLine, newCount)} @@`);
    for (const e of body) {
      out.push(`${e.op}${e.line}`);
      if (e.noNewline) out.push("\\ No newline at end of file");
    }
  }
  return `${out.join("\n")}\n`;
}

/** `start,count` as diff writes it: an empty side starts one line earlier. */
function range(start: number, count: number): string {
  if (count === 0) return `${start - 1},0`;
  return count === 1 ? `${start}` : `${start},${count}`;
}
