/**
 * The Buildfile parser: text → typed AST plus every syntax problem, each with a range and a hint.
 * No input throws: anything unexpected inside becomes a positioned problem.
 */
import type { IRecognitionException, IToken } from "chevrotain";
import type { ParseResult, SyntaxProblem } from "./ast.js";
import { parseTokens } from "./grammar.js";
import { problem } from "./problems.js";
import { SourceText, startOffsetOf } from "./source.js";
import { lex } from "./tokens.js";
import { AstBuilder } from "./visitor.js";

export type * from "./ast.js";
export { formatProblem } from "./problems.js";

const blockNames: Record<string, string> = {
  ifBlock: "IF",
  forBlock: "FOR",
  waitBlock: "WAIT",
  tryBlock: "TRY",
  withBlock: "WITH DOCKER",
};

/**
 * Parses a Buildfile. `buildfile` is present whenever the grammar could recover; a file with
 * problems must not be built, but its AST still serves `ls`, the formatter and editors.
 */
export function parseBuildfile(text: string, file: string): ParseResult {
  const src = new SourceText(text, file);
  const problems: SyntaxProblem[] = [];
  try {
    const lexed = lex(text);
    for (const p of lexed.problems) problems.push(problem(p.message, src.range(p.offset, p.offset + Math.max(1, p.length))));
    const tooDeep = tooDeeplyNested(lexed.tokens);
    if (tooDeep !== undefined) {
      problems.push(problem(`blocks are nested more than ${maxDepth} deep`, src.range(tooDeep.startOffset, tooDeep.startOffset + tooDeep.image.length), { hint: "split the work into targets or functions" }));
      return { problems };
    }
    const { cst, errors } = parseTokens(lexed.tokens);
    for (const e of errors) problems.push(grammarProblem(e, src));
    const buildfile = new AstBuilder(src, problems).buildfile(cst);
    problems.sort((a, b) => startOffsetOf(a.range) - startOffsetOf(b.range));
    return { buildfile, problems: dedupe(problems) };
  } catch (error) {
    // A bug in the parser must still come out as a positioned problem, never as a crash.
    const message = error instanceof Error ? error.message : String(error);
    problems.push(problem(`internal parser error: ${message}`, src.range(0, 0), { hint: "please report this with the file that caused it" }));
    return { problems };
  }
}

/** Deeper nesting than any real file has; the recursive-descent parser would run out of stack. */
const maxDepth = 200;
const openers = new Set(["IF", "FOR", "WAIT", "TRY", "WITH"]);

/** The block keyword that opens one block too many, if any. */
function tooDeeplyNested(tokens: IToken[]): IToken | undefined {
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const name = t.tokenType.name;
    if (openers.has(name)) {
      // ELSE IF continues a block: the IF after ELSE opens nothing.
      if (name === "IF" && tokens[i - 1]?.tokenType.name === "ELSE") continue;
      if (++depth > maxDepth) return t;
    } else if (name === "END") depth = Math.max(0, depth - 1);
  }
  return undefined;
}

/** Chevrotain's recognition errors in the user's words: what was found, what would fit. */
function grammarProblem(e: IRecognitionException, src: SourceText): SyntaxProblem {
  const token = e.token;
  const atEnd = token.image === "" || Number.isNaN(token.startOffset);
  const offset = atEnd ? src.text.length : token.startOffset;
  const range = src.range(offset, offset + (atEnd ? 0 : token.image.length));
  const found = atEnd ? "the end of the file" : token.tokenType.name === "Newline" ? "the end of the line" : token.tokenType.name === "Header" ? `the target line ${token.image}` : token.image;
  const stack = e.context?.ruleStack ?? [];
  const open = [...stack].reverse().find((r) => blockNames[r] !== undefined);
  const continuation = ["ELSE", "CATCH", "FINALLY"].includes(token.tokenType.name);
  if (open === "tryBlock" && (token.image === "CATCH" || token.image === "FINALLY")) {
    return problem(`${token.image} is out of place in this TRY block`, range, { expected: ["END"], hint: "a TRY block has at most one CATCH, then at most one FINALLY, then END" });
  }
  if (open !== undefined && continuation) {
    const home = token.tokenType.name === "ELSE" ? "an IF" : "a TRY";
    return problem(`${token.image} does not belong in a ${blockNames[open]} block`, range, {
      expected: ["END"],
      hint: `${token.image} belongs in ${home} block (once, after its other arms); close the ${blockNames[open]} block with END first`,
    });
  }
  if (open !== undefined && (atEnd || token.tokenType.name === "Header" || stack[stack.length - 1] === "end")) {
    return problem(`missing END: the ${blockNames[open]} block is still open at ${found}`, range, { expected: ["END"], hint: `close the ${blockNames[open]} block with END` });
  }
  if (["END", "ELSE", "CATCH", "FINALLY"].includes(token.tokenType.name)) {
    return problem(`${token.image} without a block to ${token.image === "END" ? "close" : "continue"}`, range, {
      hint: token.image === "END" ? "remove it, or open the block (IF, FOR, WAIT, TRY, WITH DOCKER) above" : `${token.image} belongs inside a ${token.image === "ELSE" ? "IF" : "TRY"} block`,
    });
  }
  return problem(`unexpected ${found}`, range, { hint: firstLine(e.message) });
}

function firstLine(message: string): string {
  return message.split("\n")[0]!.replace(/-->\s*/g, "").replace(/\s*<--/g, "");
}

/**
 * Drops repeats: the same message at the same place, and a "without a block" report where the
 * grammar already said what is wrong with that keyword.
 */
function dedupe(problems: SyntaxProblem[]): SyntaxProblem[] {
  const seen = new Set<string>();
  const places = new Set<number>();
  return problems.filter((p) => {
    const at = startOffsetOf(p.range);
    const key = `${at}:${p.message}`;
    if (seen.has(key) || (places.has(at) && p.message.includes("without a block"))) return false;
    seen.add(key);
    places.add(at);
    return true;
  });
}
