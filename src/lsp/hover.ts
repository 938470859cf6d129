/**
 * Hover text: a command's synopsis and doc, a flag's doc, or for a reference the target or function
 * it names, with its doc comment.
 */
import type { Hover, Position } from "vscode-languageserver";
import { flagDoc, type CommandDoc, type FlagDoc } from "../parser/command-docs.js";
import type { Buildfile } from "../parser/index.js";
import { flagName, leadingFlagCount, lineContext } from "./line-context.js";
import { definitionOf, symbolAt, type Definition } from "./targets.js";
import type { Workspace } from "./workspace.js";

export function hoverAt(workspace: Workspace, text: string, buildfile: Buildfile | undefined, at: Position): Hover | null {
  const context = lineContext(text, at);
  const word = context.cursorWord;
  const { command } = context;
  if (word === undefined) return null;
  const range = { start: { line: word.line, character: word.start }, end: { line: word.line, character: word.end } };
  if (command !== undefined && context.keywordWords.includes(word)) {
    const keywordRange = { start: { line: word.line, character: context.keywordWords[0]!.start }, end: { line: word.line, character: context.keywordWords.at(-1)!.end } };
    return { contents: { kind: "markdown", value: commandMarkdown(command) }, range: keywordRange };
  }
  const name = flagName(word.text);
  if (command !== undefined && name !== undefined && context.args.indexOf(word) < leadingFlagCount(context)) {
    if (command.keyword === "VERSION") return { contents: { kind: "markdown", value: `\`VERSION ${name}\`: a feature flag; it switches on the behaviour of that name (see VERSION in the language reference).` }, range };
    const flag = flagDoc(command, name);
    if (flag !== undefined) return { contents: { kind: "markdown", value: flagMarkdown(command, flag) }, range };
  }
  if (buildfile !== undefined && word.text.includes("+")) {
    const found = symbolAt(workspace, buildfile, at);
    const definition = found === undefined ? undefined : definitionOf(workspace, found.symbol);
    if (definition !== undefined) return { contents: { kind: "markdown", value: definitionMarkdown(definition, buildfile.file) }, range };
  }
  return null;
}

export function commandMarkdown(command: CommandDoc): string {
  const status = command.status === undefined ? "" : ` *(${command.status})*`;
  const flags = command.flags.filter((f) => f.status !== "rejected").map((f) => `- \`${flagSpelling(f)}\`: ${f.doc}`);
  return ["```buildfile", command.synopsis, "```", `${command.doc}${status}`, ...(flags.length > 0 ? ["", "Flags:", ...flags] : [])].join("\n");
}

export function flagMarkdown(command: CommandDoc, flag: FlagDoc): string {
  const status = flag.status === undefined ? "" : ` *(${flag.status})*`;
  return `\`${command.keyword} ${flagSpelling(flag)}\`${status}\n\n${flag.doc}`;
}

function flagSpelling(flag: FlagDoc): string {
  return flag.value === "switch" ? flag.name : `${flag.name}=${flag.placeholder ?? "<value>"}`;
}

function definitionMarkdown(definition: Definition, from: string): string {
  const where = definition.file === from ? "this file" : definition.file;
  const title = `${definition.kind} \`${definition.kind === "function" ? definition.name : `+${definition.name}`}\` — ${where}, line ${definition.nameRange.start.line}`;
  return definition.docs === undefined ? title : `${title}\n\n${definition.docs}`;
}
