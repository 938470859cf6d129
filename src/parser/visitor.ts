/**
 * CST → AST. Walks the grammar's tree, hands each command line to its reader (`commands.ts`), builds
 * the blocks, and checks what the grammar leaves open: indentation, target and function names,
 * VERSION and FUNCTION placement, and the words after block keywords.
 */
import type { CstNode, IToken } from "chevrotain";
import type {
  Buildfile,
  DockerLoad,
  ForBlock,
  FunctionDef,
  IfBlock,
  IfBranch,
  Statement,
  SyntaxProblem,
  Target,
  TryBlock,
  VersionCommand,
  WaitBlock,
  WithDockerBlock,
  Word,
} from "./ast.js";
import { execFlags, execFlagSpec, readCommand, readVersion } from "./commands.js";
import { didYouMean, problem } from "./problems.js";
import { endOffsetOf, type SourceText } from "./source.js";
import { statementKeywords } from "./tokens.js";
import { Line, readFlags, readGroup, spanOf } from "./words.js";

type Children = Record<string, (CstNode | IToken)[] | undefined>;

function nodes(children: Children, key: string): CstNode[] {
  return (children[key] ?? []) as CstNode[];
}

interface TopLevelItem {
  kind: "statement" | "target" | "stray";
  node: CstNode;
  at: number;
}

/** Merges lists that are each sorted by `at` into one sorted list, dropping made-up nodes (at < 0). */
function mergeByStart<T extends { at: number }>(lists: T[][]): T[] {
  const out: T[] = [];
  const next = lists.map(() => 0);
  for (;;) {
    let best = -1;
    for (let l = 0; l < lists.length; l++) {
      const item = lists[l]![next[l]!];
      if (item !== undefined && (best < 0 || item.at < lists[best]![next[best]!]!.at)) best = l;
    }
    if (best < 0) return out;
    const item = lists[best]![next[best]!++]!;
    if (item.at >= 0) out.push(item);
  }
}

/** The one child rule of a `statement` node: its name and node. */
const statementKinds = ["command", "ifBlock", "forBlock", "waitBlock", "tryBlock", "withBlock", "unknownCommand"] as const;

/** Where a CST node starts (-1 for a node Chevrotain made up while recovering). */
function startOf(node: CstNode): number {
  const start = node.location?.startOffset;
  return start === undefined || Number.isNaN(start) ? -1 : start;
}

function token(children: Children, key: string): IToken | undefined {
  return children[key]?.[0] as IToken | undefined;
}

/** Where a recipe sits, for the indentation rule. */
type Place = "base" | "recipe";

export class AstBuilder {
  private readonly src: SourceText;
  private readonly problems: SyntaxProblem[];
  /** The recipe whose indentation was already reported (one report per recipe is enough). */
  private indentReported = new Set<string>();
  /** The file's VERSION (0.7 spells FUNCTION as COMMAND). */
  private version: string | undefined;

  constructor(src: SourceText, problems: SyntaxProblem[]) {
    this.src = src;
    this.problems = problems;
  }

  private report(message: string, start: number, end: number, extra: { expected?: string[]; hint?: string } = {}): void {
    this.problems.push(problem(message, this.src.range(start, end), extra));
  }

  buildfile(cst: CstNode): Buildfile {
    const c = cst.children as Children;
    // The top level is flat (see the grammar); put its lines back in file order. Each kind's
    // list is already in order, so they merge without a sort.
    const items = mergeByStart<TopLevelItem>([
      nodes(c, "statement").map((node) => ({ kind: "statement" as const, node, at: startOf(node) })),
      nodes(c, "target").map((node) => ({ kind: "target" as const, node, at: startOf(node) })),
      nodes(c, "strayLine").map((node) => ({ kind: "stray" as const, node, at: startOf(node) })),
    ]);
    let version: VersionCommand | undefined;
    const baseRecipe: Statement[] = [];
    const targets: Target[] = [];
    const functions: FunctionDef[] = [];
    const seen = new Map<string, number>();
    let group: { header: CstNode; statements: CstNode[] } | undefined;
    const flush = (): void => {
      if (group !== undefined) this.target(group.header, group.statements, targets, functions, seen);
    };
    let first = true;
    for (const item of items) {
      if (item.kind === "target") {
        flush();
        group = { header: item.node, statements: [] };
      } else if (item.kind === "stray") {
        this.stray(item.node);
      } else if (group !== undefined) {
        group.statements.push(item.node);
      } else {
        const command = this.versionLine(item.node);
        if (command !== undefined) {
          if (first) {
            version = command;
            this.version = command.version?.text;
          }
          else this.problems.push(problem("VERSION must be the first command of the file", command.range));
        } else this.statementInto(item.node, baseRecipe, "base", "the base recipe");
      }
      first = false;
    }
    flush();
    const file: Buildfile = { file: this.src.file, baseRecipe, targets, functions, range: this.src.range(0, this.src.text.length) };
    if (version !== undefined) file.version = version;
    return file;
  }

  private stray(node: CstNode): void {
    const c = node.children as Children;
    const t = token(c, "END") ?? token(c, "ELSE") ?? token(c, "CATCH") ?? token(c, "FINALLY");
    if (t === undefined || t.image === "") return;
    const word = t.image;
    this.report(`${word} without a block to ${word === "END" ? "close" : "continue"}`, t.startOffset, t.startOffset + word.length, {
      hint: word === "END" ? "remove it, or open the block (IF, FOR, WAIT, TRY, WITH DOCKER) above" : `${word} belongs inside ${word === "ELSE" ? "an IF" : "a TRY"} block`,
    });
  }

  private versionLine(node: CstNode): VersionCommand | undefined {
    const command = nodes(node.children as Children, "command")[0];
    if (command === undefined) return undefined;
    const kw = token(command.children as Children, "CommandKeyword");
    if (kw?.image !== "VERSION") return undefined;
    return readVersion(this.line("VERSION", kw, command));
  }

  private target(node: CstNode, statements: CstNode[], targets: Target[], functions: FunctionDef[], seen: Map<string, number>): void {
    const c = node.children as Children;
    const header = token(c, "Header");
    if (header === undefined) return;
    const name = header.image.slice(0, -1);
    const range = () => {
      const last = recipe[recipe.length - 1];
      return this.src.range(header.startOffset, Math.max(header.startOffset + header.image.length, last === undefined ? 0 : endOffsetOf(last.range)));
    };
    const headerRange = this.src.range(header.startOffset, header.startOffset + name.length);
    const previous = seen.get(name);
    if (previous !== undefined) {
      this.problems.push(problem(`${name} is already defined on line ${previous}`, headerRange, { hint: "give each target and function its own name" }));
    }
    seen.set(name, headerRange.start.line);
    const docs = this.src.docsAbove(headerRange.start.line);
    const extra = nodes(c, "words")[0];
    const extraWords = extra === undefined ? [] : (((extra.children as Children)["Word"] ?? []) as IToken[]);
    if (extraWords.length > 0) {
      const first = extraWords[0]!;
      const last = extraWords[extraWords.length - 1]!;
      this.report(`nothing may follow the colon of ${name}:`, first.startOffset, last.startOffset + last.image.length, {
        hint: "put the commands on indented lines below the target line",
      });
    }
    const recipe: Statement[] = [];
    if (/^[A-Z]/.test(name)) {
      if (!/^[A-Z][A-Z0-9._]*$/.test(name)) {
        this.problems.push(problem(`"${name}" is not a valid function name`, headerRange, { hint: "function names are UPPER_CASE; target names start with a lower-case letter" }));
      }
      let keyword: FunctionDef["keyword"] = "FUNCTION";
      const first = statements[0] === undefined ? undefined : this.functionKeyword(statements[0]);
      if (first === undefined) {
        this.problems.push(problem(`function ${name} must start with FUNCTION`, headerRange, { hint: `add an indented FUNCTION line under ${name}:, or name a target in lower case` }));
      } else keyword = first;
      if (keyword === "COMMAND" && this.version === "0.8") {
        this.problems.push(problem("COMMAND is the VERSION 0.7 spelling", headerRange, { hint: "write FUNCTION under VERSION 0.8" }));
      }
      statements.slice(first === undefined ? 0 : 1).forEach((s) => this.statementInto(s, recipe, "recipe", name));
      const fn: FunctionDef = { name, keyword, recipe, range: range() };
      if (docs !== undefined) fn.docs = docs;
      functions.push(fn);
      return;
    }
    if (!/^[a-z][a-zA-Z0-9.-]*$/.test(name)) {
      this.problems.push(problem(`"${name}" is not a valid target name`, headerRange, { hint: "target names match [a-z][a-zA-Z0-9.-]*" }));
    } else if (name === "base") {
      this.problems.push(problem("base is a reserved target name: it is the recipe before the first target", headerRange, { hint: "rename the target" }));
    }
    statements.forEach((s) => this.statementInto(s, recipe, "recipe", name));
    const target: Target = { name, recipe, range: range() };
    if (docs !== undefined) target.docs = docs;
    targets.push(target);
  }

  private functionKeyword(node: CstNode): FunctionDef["keyword"] | undefined {
    const command = nodes(node.children as Children, "command")[0];
    const kw = command === undefined ? undefined : token(command.children as Children, "CommandKeyword");
    if (kw === undefined || (kw.image !== "FUNCTION" && kw.image !== "COMMAND")) return undefined;
    const line = this.line(kw.image, kw, command!);
    if (line.words.length > 0) line.report(`${kw.image} takes no arguments`, line.range);
    return kw.image;
  }

  /** Where a block ends: after the last word of its END line (or the END keyword). */
  private endOffset(c: Children, kw: IToken): number {
    const end = nodes(c, "end")[0];
    let last = kw.startOffset + kw.image.length;
    if (end === undefined) return last;
    const ec = end.children as Children;
    const endKw = token(ec, "END");
    if (endKw !== undefined && endKw.image !== "") last = Math.max(last, endKw.startOffset + endKw.image.length);
    const words = nodes(ec, "words")[0];
    const ws = words === undefined ? [] : (((words.children as Children)["Word"] ?? []) as IToken[]);
    const w = ws[ws.length - 1];
    if (w !== undefined && !Number.isNaN(w.startOffset)) last = Math.max(last, w.startOffset + w.image.length);
    return last;
  }

  private line(keyword: string, kw: IToken, node: CstNode | undefined): Line {
    const words = node === undefined ? undefined : nodes(node.children as Children, "words")[0];
    const tokens = words === undefined ? [] : ((words.children as Children)["Word"] ?? []) as IToken[];
    return new Line(keyword, kw, tokens, this.src, this.problems);
  }

  private statementInto(node: CstNode, into: Statement[], place: Place, owner: string): void {
    const s = this.statement(node, place, owner);
    if (s !== undefined) into.push(s);
  }

  private checkIndent(offset: number, place: Place, owner: string): void {
    const indent = this.src.indentOf(offset);
    if (place === "base" && indent > 0 && !this.indentReported.has(owner)) {
      this.indentReported.add(owner);
      this.report("commands before the first target are not indented", offset - indent, offset, { hint: "remove the indentation, or add a target line (name:) above" });
    } else if (place === "recipe" && indent === 0 && !this.indentReported.has(owner)) {
      this.indentReported.add(owner);
      this.report(`the recipe of ${owner} must be indented`, offset, offset + 1, { hint: "indent every command under its target line" });
    }
  }

  private statement(node: CstNode, place: Place, owner: string): Statement | undefined {
    const c = node.children as Children;
    let kind: (typeof statementKinds)[number] | undefined;
    let inner: CstNode | undefined;
    for (const k of statementKinds) {
      const child = c[k];
      if (child !== undefined && child.length > 0) {
        kind = k;
        inner = child[0] as CstNode;
        break;
      }
    }
    if (kind === undefined || inner === undefined) return undefined;
    const first = startOf(inner);
    if (first >= 0) this.checkIndent(first, place, owner);
    const ic = inner.children as Children;
    switch (kind) {
      case "command": {
        const kw = token(ic, "CommandKeyword");
        if (kw === undefined) return undefined;
        const line = this.line(kw.image, kw, inner);
        if (kw.image === "VERSION") {
          line.report("VERSION must be the first command of the file", line.range);
          return undefined;
        }
        if (kw.image === "FUNCTION" || kw.image === "COMMAND") {
          line.report(`${kw.image} must be the first line of a function (NAME:)`, line.range);
          return undefined;
        }
        const command = readCommand(line);
        if (place === "recipe" && command !== undefined) {
          if (command.kind === "ARG" && command.flags.global) {
            line.report("ARG --global is only allowed before the first target", line.range, { hint: "move it to the base recipe, or drop --global" });
          } else if (command.kind === "PROJECT") {
            line.report("PROJECT is only allowed before the first target", line.range);
          }
        }
        return command;
      }
      case "unknownCommand":
        this.unknown(ic);
        return undefined;
      case "ifBlock":
        return this.ifBlock(inner, owner);
      case "forBlock":
        return this.forBlock(inner, owner);
      case "waitBlock":
      case "tryBlock":
        return this.waitOrTry(kind, inner, owner);
      case "withBlock":
        return this.withBlock(inner, owner);
      default:
        return undefined;
    }
  }

  private unknown(c: Children): void {
    const name = token(c, "name");
    if (name === undefined) return;
    const start = name.startOffset;
    const end = start + name.image.length;
    if (name.image.endsWith(":")) {
      this.report(`${name.image} looks like a target line, but it is indented`, start, end, { hint: "target and function lines start at the beginning of the line" });
      return;
    }
    if (name.image === "PIPELINE" || name.image === "TRIGGER") {
      this.report(`${name.image} is not supported`, start, end, { hint: "PIPELINE and TRIGGER belonged to Earthly CI and were removed in Earthly 0.8.14; delete the line" });
      return;
    }
    const hint = didYouMean(name.image, statementKeywords);
    this.report(`unknown command ${name.image}`, start, end, { ...(hint === undefined ? { hint: "commands are upper case, e.g. RUN, COPY, FROM" } : { hint }) });
  }

  private body(node: CstNode | undefined, owner: string): Statement[] {
    const out: Statement[] = [];
    if (node === undefined) return out;
    for (const s of nodes(node.children as Children, "statement")) this.statementInto(s, out, "recipe", owner);
    return out;
  }

  /** A line after a block keyword that takes no words (WAIT, TRY, ELSE, END...). */
  private bare(keyword: string, kw: IToken | undefined, node: CstNode | undefined, hint?: string): void {
    if (kw === undefined) return;
    const line = this.line(keyword, kw, node);
    const first = line.words[0];
    if (first !== undefined) line.report(`${keyword} takes no arguments`, spanOf(line, first.range, line.words[line.words.length - 1]!.range), hint === undefined ? {} : { hint });
  }

  private end(c: Children): void {
    const end = nodes(c, "end")[0];
    if (end === undefined) return;
    this.bare("END", token(end.children as Children, "END"), end);
  }

  private blockRange(node: CstNode, kw: IToken): IfBlock["range"] {
    return this.src.range(kw.startOffset, this.endOffset(node.children as Children, kw));
  }

  private ifBranch(keyword: string, kw: IToken, wordsOwner: CstNode, body: CstNode | undefined, owner: string): IfBranch {
    const line = this.line(keyword, kw, wordsOwner);
    const flags = readFlags(line, execFlagSpec);
    const words = line.words.slice(flags.next);
    if (words.length === 0) line.report(`${keyword} needs a condition`, line.range, { hint: `write ${keyword} [ -f file ]` });
    return { ...{ args: line.words, range: line.range }, flags: execFlags(line, flags), condition: line.commandLine(words), body: this.body(body, owner) };
  }

  private ifBlock(node: CstNode, owner: string): IfBlock | undefined {
    const c = node.children as Children;
    const kw = token(c, "IF");
    if (kw === undefined) return undefined;
    const block: IfBlock = { kind: "IF", branches: [this.ifBranch("IF", kw, node, nodes(c, "body")[0], owner)], range: this.blockRange(node, kw) };
    for (const arm of nodes(c, "elseArm")) {
      const ac = arm.children as Children;
      const elseKw = token(ac, "ELSE");
      if (elseKw === undefined) continue;
      const ifKw = token(ac, "IF");
      if (block.elseBody !== undefined) this.report("nothing may follow ELSE in an IF block but END", elseKw.startOffset, elseKw.startOffset + 4, { expected: ["END"] });
      if (ifKw !== undefined) block.branches.push(this.ifBranch("ELSE IF", elseKw, arm, nodes(ac, "body")[0], owner));
      else {
        this.bare("ELSE", elseKw, arm, "write ELSE IF condition for another test");
        block.elseBody = this.body(nodes(ac, "body")[0], owner);
      }
    }
    this.end(c);
    return block;
  }

  private forBlock(node: CstNode, owner: string): ForBlock | undefined {
    const c = node.children as Children;
    const kw = token(c, "FOR");
    if (kw === undefined) return undefined;
    const line = this.line("FOR", kw, node);
    const flags = readFlags(line, { ...execFlagSpec, "--sep": "value" });
    const words = line.words.slice(flags.next);
    const variable: Word = words[0] ?? { text: "", range: this.src.range(endOffsetOf(line.range), endOffsetOf(line.range)) };
    if (words[0] === undefined) line.report("FOR needs a variable, IN and a list", line.range, { hint: "write FOR x IN a b c" });
    else if (words[1]?.text !== "IN") line.report("expected IN after the loop variable", words[1]?.range ?? line.range, { expected: ["IN"] });
    else if (words.length < 3) line.report("FOR needs a list after IN", words[1].range, { hint: "write FOR x IN a b c or FOR x IN $(ls)" });
    const block: ForBlock = {
      kind: "FOR",
      args: line.words,
      flags: { ...execFlags(line, flags) },
      variable,
      expression: words.slice(2),
      body: this.body(nodes(c, "body")[0], owner),
      range: this.blockRange(node, kw),
    };
    const sep = flags.value("--sep");
    if (sep !== undefined) block.flags.sep = sep;
    this.end(c);
    return block;
  }

  private waitOrTry(kind: "waitBlock" | "tryBlock", node: CstNode, owner: string): WaitBlock | TryBlock | undefined {
    const c = node.children as Children;
    const keyword = kind === "waitBlock" ? "WAIT" : "TRY";
    const kw = token(c, keyword);
    if (kw === undefined) return undefined;
    this.bare(keyword, kw, node);
    const range = this.blockRange(node, kw);
    const body = this.body(nodes(c, "body")[0], owner);
    this.end(c);
    if (kind === "waitBlock") return { kind: "WAIT", args: [], body, range };
    const block: TryBlock = { kind: "TRY", args: [], body, range };
    const catchArm = nodes(c, "catchArm")[0];
    if (catchArm !== undefined) {
      this.bare("CATCH", token(catchArm.children as Children, "CATCH"), catchArm);
      block.catchBody = this.body(nodes(catchArm.children as Children, "body")[0], owner);
    }
    const finallyArm = nodes(c, "finallyArm")[0];
    if (finallyArm !== undefined) {
      this.bare("FINALLY", token(finallyArm.children as Children, "FINALLY"), finallyArm);
      block.finallyBody = this.body(nodes(finallyArm.children as Children, "body")[0], owner);
    }
    return block;
  }

  private withBlock(node: CstNode, owner: string): WithDockerBlock | undefined {
    const c = node.children as Children;
    const kw = token(c, "WITH");
    if (kw === undefined) return undefined;
    const line = this.line("WITH DOCKER", kw, node);
    if (line.words[0]?.text !== "DOCKER") {
      line.report("WITH needs DOCKER", line.words[0]?.range ?? line.range, { expected: ["WITH DOCKER"] });
    }
    const flags = readFlags(
      line,
      {
        "--pull": "value",
        "--load": "group",
        "--compose": "value",
        "--service": "value",
        "--platform": "value",
        "--allow-privileged": "bool",
        "--pass-args": "bool",
        "--cache-id": "value",
        "--build-arg": "value",
      },
      line.words[0]?.text === "DOCKER" ? 1 : 0,
    );
    const rest = line.words.slice(flags.next);
    if (rest.length > 0) line.report(`unexpected ${rest[0]!.text}: WITH DOCKER takes only flags`, rest[0]!.range);
    const loads: DockerLoad[] = [];
    for (const use of flags.all("--load")) {
      if (use.value === undefined) continue;
      const value = use.value;
      const eq = value.text.startsWith("(") ? -1 : value.text.indexOf("=");
      const targetWord = eq < 0 ? value : line.part(value, eq + 1);
      const load: DockerLoad = { target: targetWord, overrides: [], range: use.range };
      if (eq >= 0) load.image = line.part(value, 0, eq);
      if (targetWord.text.startsWith("(")) {
        const group = readGroup(line, [targetWord, ...use.group]);
        load.target = group.ref;
        load.overrides = group.overrides;
      }
      loads.push(load);
    }
    const block: WithDockerBlock = {
      kind: "WITH_DOCKER",
      args: line.words[0]?.text === "DOCKER" ? line.words.slice(1) : line.words,
      flags: {
        pulls: flags.values("--pull"),
        loads,
        composes: flags.values("--compose"),
        services: flags.values("--service"),
        allowPrivileged: flags.bool("--allow-privileged"),
        passArgs: flags.bool("--pass-args"),
        buildArgs: flags.values("--build-arg"),
      },
      body: this.body(nodes(c, "body")[0], owner),
      range: this.blockRange(node, kw),
    };
    const platform = flags.value("--platform");
    if (platform !== undefined) block.flags.platform = platform;
    const cacheId = flags.value("--cache-id");
    if (cacheId !== undefined) block.flags.cacheId = cacheId;
    this.end(c);
    return block;
  }
}
