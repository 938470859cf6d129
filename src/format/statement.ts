/**
 * Prints one logical line in the canonical layout: the keyword, then its words one space apart,
 * `--flag=value` for valued flags, exec-form arrays as `["a", "b"]`, and `\` continuations kept
 * where the author broke the line, re-indented four columns past the statement.
 *
 * Shell text (RUN, CMD, IF conditions...) and rest-of-line values (ARG, ENV KEY value, WORKDIR)
 * keep their spacing within each physical line: it can be part of what the command means.
 */
import type { CommandLine, Statement, VersionCommand, Word, IfBranch } from "../parser/ast.js";
import type { IToken } from "chevrotain";
import type { LogicalLine } from "./lines.js";

/** The AST node a logical line starts, when it has one (block closers and headers have none). */
export type LineNode = Statement | IfBranch | VersionCommand;

/** One printed logical line: comment lines to hoist above it, then its physical lines. */
export interface PrintedLine {
  above: string[];
  lines: string[];
}

interface Piece {
  text: string;
  /** Index of the token this piece starts at (its gap comes before it). */
  at: number;
}

/** Prints `line` at `indent` columns; `node` supplies the typed reading of its words. */
export function printLine(line: LogicalLine, node: LineNode | undefined, indent: number): PrintedLine {
  const tokens = line.tokens;
  const plan = node === undefined ? undefined : readingOf(node, line);
  const above: string[] = [];
  const pieces: Piece[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (plan?.execFrom === i) {
      for (let j = i + 1; j < tokens.length; j++) above.push(...line.gaps[j]!.comments);
      pieces.push({ text: execText(plan.exec!), at: i });
      break;
    }
    if (plan?.joins.has(i)) {
      pieces.push({ text: `${tokens[i]!.image}=${tokens[i + 1]!.image}`, at: i });
      i++;
      continue;
    }
    pieces.push({ text: tokens[i]!.image, at: i });
  }

  // Continuation lines sit four columns past the statement; deeper ones keep their extra depth.
  const broken = pieces.map((p) => line.gaps[p.at]!).filter((g) => g.broken && !g.glued);
  const base = broken.length === 0 ? 0 : Math.min(...broken.map((g) => g.indent));
  const pad = " ".repeat(indent);
  const lines: string[] = [];
  let current = pad + pieces[0]!.text;
  for (let k = 1; k < pieces.length; k++) {
    const piece = pieces[k]!;
    const gap = line.gaps[piece.at]!;
    if (gap.glued) {
      // Kept byte for byte: the shell reads the two words as one.
      current += gap.text + piece.text;
    } else if (gap.broken) {
      const contPad = " ".repeat(indent + 4 + gap.indent - base);
      lines.push(`${current} \\`);
      for (const comment of gap.comments) lines.push(contPad + comment);
      current = contPad + piece.text;
    } else if (plan !== undefined && plan.verbatimFrom !== undefined && piece.at > plan.verbatimFrom && pieces[k - 1]!.at >= plan.verbatimFrom) {
      current += gap.text + piece.text;
    } else current += ` ${piece.text}`;
  }
  if (line.trailing !== undefined) current += ` ${line.trailing}`;
  lines.push(current);
  return { above, lines: lines.map((l) => l.replace(/[ \t]+$/, "")) };
}

/** `["a", "b"]`: JSON strings, one space after each comma. */
function execText(exec: string[]): string {
  return `[${exec.map((s) => JSON.stringify(s)).join(", ")}]`;
}

interface Reading {
  /** Token indices of `--flag` words whose value is the next token. */
  joins: Set<number>;
  /** Where shell text or a rest-of-line value starts: spacing is kept from there on. */
  verbatimFrom?: number;
  /** Where an exec-form array starts, and its strings. */
  execFrom?: number;
  exec?: string[];
}

function indexAt(tokens: IToken[], offset: number): number | undefined {
  const i = tokens.findIndex((t) => t.startOffset === offset);
  return i < 0 ? undefined : i;
}

function commandLineOf(node: LineNode): CommandLine | undefined {
  if (!("kind" in node)) return node.condition;
  switch (node.kind) {
    case "RUN":
    case "CMD":
    case "ENTRYPOINT":
      return node;
    case "HEALTHCHECK":
      return node.command;
    default:
      return undefined;
  }
}

/** Where the verbatim part of a line starts, if it has one. */
function verbatimStart(node: LineNode): Word | undefined {
  const cl = commandLineOf(node);
  if (cl !== undefined) return cl.form === "shell" ? cl.command[0] : undefined;
  if (!("kind" in node)) return undefined;
  switch (node.kind) {
    case "ARG":
    case "LET":
    case "SET":
      return node.value === undefined ? undefined : node.name;
    case "ENV":
    case "LABEL":
      return node.form === "single" ? node.pairs[0]?.value : undefined;
    case "WORKDIR":
      return node.path;
    default:
      return undefined;
  }
}

function readingOf(node: LineNode, line: LogicalLine): Reading {
  const tokens = line.tokens;
  const reading: Reading = { joins: flagJoins(node, line) };
  const verbatim = verbatimStart(node);
  if (verbatim !== undefined) {
    const at = indexAt(tokens, verbatim.range.start.offset);
    if (at !== undefined) reading.verbatimFrom = at;
  }
  const cl = commandLineOf(node);
  const exec = cl?.form === "exec" ? cl : "kind" in node && node.kind === "VOLUME" && node.form === "exec" ? { command: node.paths, exec: node.exec } : undefined;
  if (exec?.exec !== undefined && exec.command[0] !== undefined) {
    const at = indexAt(tokens, exec.command[0].range.start.offset);
    if (at !== undefined) {
      reading.execFrom = at;
      reading.exec = exec.exec;
    }
  }
  return reading;
}

/** Start offsets of every Word among a node's flag values (overrides excluded: they are no flags). */
function flagValueStarts(value: unknown, into: number[]): void {
  if (Array.isArray(value)) {
    for (const v of value) flagValueStarts(v, into);
    return;
  }
  if (value === null || typeof value !== "object") return;
  const record = value as Record<string, unknown>;
  if (typeof record["text"] === "string" && typeof record["range"] === "object") {
    into.push((record["range"] as Word["range"]).start.offset);
    return;
  }
  for (const [key, v] of Object.entries(record)) if (key !== "overrides" && key !== "range") flagValueStarts(v, into);
}

/**
 * `--flag value` pairs: a `--name` word (no `=`) whose next word holds one of the node's flag
 * values. Pairs with comment lines between them stay apart (the comments have nowhere to go).
 */
function flagJoins(node: LineNode, line: LogicalLine): Set<number> {
  const tokens = line.tokens;
  const joins = new Set<number>();
  if (!("flags" in node) || node.flags === undefined) return joins;
  const starts: number[] = [];
  flagValueStarts(node.flags, starts);
  if (starts.length === 0) return joins;
  for (let i = 1; i + 1 < tokens.length; i++) {
    const flag = tokens[i]!;
    const next = tokens[i + 1]!;
    if (!/^--[^=]+$/.test(flag.image) || line.gaps[i + 1]!.comments.length > 0) continue;
    const inside = starts.some((s) => s === next.startOffset || (s === next.startOffset + 1 && next.image.startsWith("(")));
    if (inside) joins.add(i);
  }
  return joins;
}
