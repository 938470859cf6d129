/**
 * Completion: command keywords at the start of a line, the flags of the command being written after
 * `-`, target (or, after DO, function) names where a reference goes — this file's after `+`,
 * another directory's after `./dir+` or an IMPORT alias's after `alias+` — and, after a reference,
 * the ARGs of the target or function it names as `--NAME=`.
 */
import { dirname, relative } from "node:path";
import { CompletionItemKind, CompletionItemTag, type CompletionItem, type Position, type Range } from "vscode-languageserver";
import { eachStatement } from "../lint/walk.js";
import { commandDocs, type CommandDoc } from "../parser/command-docs.js";
import { featureFlags } from "../parser/commands.js";
import type { Buildfile } from "../parser/index.js";
import { directoryOfReference } from "../planner/locate.js";
import { parseReference, type Reference } from "../planner/reference.js";
import { commandMarkdown, flagMarkdown } from "./hover.js";
import { leadingFlagCount, lineContext, type LineContext } from "./line-context.js";
import { definitionsOf, fileOfReference, importsOf } from "./targets.js";
import type { Workspace } from "./workspace.js";

/** Commands whose arguments are target (or function) references. */
const referenceCommands = new Set(["BUILD", "FROM", "COPY", "DO", "WITH DOCKER"]);

export function completionsAt(workspace: Workspace, text: string, buildfile: Buildfile | undefined, at: Position): CompletionItem[] {
  const context = lineContext(text, at);
  if (context.header) return [];
  const replace: Range = { start: context.typedStart, end: at };
  if (context.atCommandStart) return keywordItems(replace);
  const { command } = context;
  if (command === undefined) return [];
  // The cursor's word (or the blank it stands on) is still among the leading flags.
  const index = context.cursorWord === undefined ? context.args.filter((w) => w.line < at.line || w.end <= at.character).length : context.args.indexOf(context.cursorWord);
  const amongFlags = index <= leadingFlagCount(context);
  if (context.typed.startsWith("-") && !context.typed.startsWith("--load=") && amongFlags) return flagItems(command, replace);
  if (buildfile === undefined || !referenceCommands.has(command.keyword)) return [];
  const reference = context.args[leadingFlagCount(context)];
  if (context.typed.startsWith("--") && reference !== undefined && index > context.args.indexOf(reference)) return argItems(workspace, buildfile, reference.text, replace);
  return referenceItems(workspace, buildfile, command, context, at, amongFlags);
}

function keywordItems(replace: Range): CompletionItem[] {
  return commandDocs
    .filter((c) => c.status !== "rejected")
    .map((c) => {
      const item: CompletionItem = {
        label: c.keyword,
        kind: CompletionItemKind.Keyword,
        detail: c.synopsis.split("\n")[0]!,
        documentation: { kind: "markdown", value: commandMarkdown(c) },
        textEdit: { range: replace, newText: c.keyword },
      };
      if (c.status === "deprecated") item.tags = [CompletionItemTag.Deprecated];
      return item;
    });
}

function flagItems(command: CommandDoc, replace: Range): CompletionItem[] {
  if (command.keyword === "VERSION") {
    return featureFlags.map((f) => ({ label: `--${f}`, kind: CompletionItemKind.Property, detail: "feature flag", textEdit: { range: replace, newText: `--${f}` } }));
  }
  return command.flags
    .filter((f) => f.status !== "rejected")
    .map((f) => {
      const item: CompletionItem = {
        label: f.name,
        kind: CompletionItemKind.Property,
        detail: f.value === "switch" ? "switch" : `${f.name}=${f.placeholder ?? "<value>"}`,
        documentation: { kind: "markdown", value: flagMarkdown(command, f) },
        textEdit: { range: replace, newText: f.name },
      };
      if (f.status === "deprecated") item.tags = [CompletionItemTag.Deprecated];
      return item;
    });
}

function referenceItems(workspace: Workspace, buildfile: Buildfile, command: CommandDoc, context: LineContext, at: Position, firstArgument: boolean): CompletionItem[] {
  // The reference part of the typed word: after `(` of a COPY group, after `--load=` and `name=`.
  let typed = context.typed;
  if (typed.startsWith("--load=")) typed = typed.slice(typed.lastIndexOf("=") + 1);
  if (typed.startsWith("(")) typed = typed.slice(1);
  const plus = typed.indexOf("+");
  if (plus < 0 && !(typed === "" && firstArgument && command.keyword !== "COPY")) return [];
  const home = plus < 0 ? "" : typed.slice(0, plus);
  const file = buildfileOfHome(workspace, buildfile, home);
  const target = file === undefined ? undefined : file === buildfile.file ? buildfile : workspace.parsed(file)?.result.buildfile;
  const definitions = target === undefined ? [] : definitionsOf(target);
  const wanted = command.keyword === "DO" ? "function" : "target";
  const replace: Range = { start: { line: at.line, character: at.character - typed.length }, end: at };
  return definitions
    .filter((d) => d.kind === wanted)
    .map((d) => {
      const label = `${home}+${d.name}`;
      const item: CompletionItem = {
        label,
        kind: d.kind === "function" ? CompletionItemKind.Function : CompletionItemKind.Module,
        detail: `${d.kind} in ${file === buildfile.file ? "this file" : relative(dirname(buildfile.file), file!)}`,
        filterText: label,
        textEdit: { range: replace, newText: label },
      };
      if (d.docs !== undefined) item.documentation = d.docs;
      return item;
    });
}

/** `--NAME=` for each ARG the referenced target or function declares, after its reference. */
function argItems(workspace: Workspace, buildfile: Buildfile, referenceText: string, replace: Range): CompletionItem[] {
  let reference: Reference;
  try {
    reference = parseReference(referenceText.replace(/^\(/, ""));
  } catch {
    return [];
  }
  const file = fileOfReference(workspace, buildfile, reference);
  const home = file === undefined ? undefined : workspace.parsed(file)?.result.buildfile;
  const recipe = [...(home?.targets ?? []), ...(home?.functions ?? [])].find((n) => n.name === reference.name)?.recipe ?? [];
  const items: CompletionItem[] = [];
  eachStatement(recipe, (statement) => {
    if (statement.kind !== "ARG" || statement.name.text === "" || items.some((i) => i.label === `--${statement.name.text}`)) return;
    const detail = statement.flags.required ? "required ARG" : statement.value === undefined ? "ARG" : `ARG, default ${statement.value.text}`;
    const item: CompletionItem = { label: `--${statement.name.text}`, kind: CompletionItemKind.Variable, detail, textEdit: { range: replace, newText: `--${statement.name.text}=` } };
    if (statement.docs !== undefined) item.documentation = statement.docs;
    items.push(item);
  });
  return items;
}

/** The Buildfile that `home+` names: this one for "", a directory's, or an IMPORT alias's. */
function buildfileOfHome(workspace: Workspace, buildfile: Buildfile, home: string): string | undefined {
  if (home === "") return buildfile.file;
  try {
    const reference = parseReference(`${home}+x`);
    return workspace.buildfileIn(directoryOfReference(reference, { directory: dirname(buildfile.file), imports: importsOf(buildfile) }));
  } catch {
    return undefined;
  }
}
