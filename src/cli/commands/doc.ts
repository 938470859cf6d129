/**
 * `ebuild doc [DIR][+target]`: documentation from doc comments, laid out as `earthly doc` lays it
 * out. A target (or function) is documented by the comment block right above it whose first word is
 * its name; ARGs, saved artifacts and images likewise. Without a target: every documented target
 * under TARGETS: (and functions under FUNCTIONS:), with `--long` adding each one's inputs and
 * outputs. With `+target`: that target with REQUIRED ARGS, OPTIONAL ARGS, ARTIFACTS, LOCAL
 * ARTIFACTS and IMAGES.
 */
import type { ArgCommand, Buildfile, FunctionDef, Statement, Target } from "../../parser/ast.js";
import { EbuildError } from "../../errors.js";
import { loadBuildfile, locateBuildfile } from "../buildfile-source.js";
import { argsOf, artifactName, commentAbove, globalArgsOf, savedArtifactsOf, savedImagesOf } from "../recipe-outline.js";

export interface DocOptions {
  long?: boolean;
}

const scope = "  ";

/** One entry of a section: what the user types or gets, and its doc comment. */
interface Entry {
  identifier: string;
  docs?: string;
}

/** The inputs and outputs of one recipe, each with its documentation. */
interface Outline {
  required: Entry[];
  optional: Entry[];
  artifacts: Entry[];
  localArtifacts: Entry[];
  images: Entry[];
}

/** `docs` when its first word is one of `names` (Earthly's rule: the comment names what it documents). */
export function docsNaming(docs: string | undefined, names: readonly string[]): string | undefined {
  if (docs === undefined) return undefined;
  const first = docs.trimStart().split(/\s/, 1)[0] ?? "";
  return names.includes(first) ? docs : undefined;
}

function argEntry(arg: ArgCommand): Entry {
  const value = arg.value === undefined ? "" : `=${arg.value.text}`;
  const docs = docsNaming(arg.docs, [arg.name.text]);
  return docs === undefined ? { identifier: `--${arg.name.text}${value}` } : { identifier: `--${arg.name.text}${value}`, docs };
}

function entry(identifier: string, docs: string | undefined): Entry {
  return docs === undefined ? { identifier } : { identifier, docs };
}

/** Reads a recipe's inputs (globals first, then its own ARGs) and outputs. */
export function outline(text: string, globals: readonly ArgCommand[], recipe: readonly Statement[]): Outline {
  const o: Outline = { required: [], optional: [], artifacts: [], localArtifacts: [], images: [] };
  const own = argsOf(recipe);
  const shadowed = new Set(own.map((a) => a.name.text));
  for (const arg of [...globals.filter((g) => !shadowed.has(g.name.text)), ...own]) {
    (arg.flags.required ? o.required : o.optional).push(argEntry(arg));
  }
  for (const save of savedArtifactsOf(recipe)) {
    const name = artifactName(save);
    const comment = commentAbove(text, save.range.start.line);
    if (save.asLocal === undefined) o.artifacts.push(entry(name, docsNaming(comment, [name])));
    else o.localArtifacts.push(entry(`${name} -> ${save.asLocal.text}`, docsNaming(comment, [name, save.asLocal.text])));
  }
  for (const save of savedImagesOf(recipe)) {
    const names = save.names.map((n) => n.text);
    if (names.length === 0) continue;
    o.images.push(entry(names.join(", "), docsNaming(commentAbove(text, save.range.start.line), names)));
  }
  return o;
}

function indent(prefix: string, text: string): string {
  return text
    .split("\n")
    .map((l) => (l === "" ? l : prefix + l))
    .join("\n");
}

function section(at: string, title: string, entries: readonly Entry[]): string {
  if (entries.length === 0) return "";
  let out = `${at}${title}:\n`;
  for (const e of entries) {
    out += `${at}${scope}${e.identifier}\n`;
    if (e.docs !== undefined) out += `${indent(at + scope + scope, e.docs).replace(/^\n+|\n+$/g, "")}\n`;
  }
  return out;
}

function usage(o: Outline): string {
  return [...o.required.map((e) => e.identifier), ...o.optional.map((e) => `[${e.identifier}]`)].join(" ");
}

/**
 * One documented target or function: usage line, its doc comment, then (when `details`) its
 * sections and a blank line. Returns undefined when it is not documented.
 */
function describe(at: string, name: string, docs: string, o: Outline, details: boolean): string {
  const args = usage(o);
  let out = `${at}+${name}${args === "" ? "" : ` ${args}`}\n`;
  out += `${indent(at + scope + scope, docs).replace(/^\n+|\n+$/g, "")}\n`;
  if (!details) return out;
  const inner = at + scope;
  out += section(inner, "REQUIRED ARGS", o.required) + section(inner, "OPTIONAL ARGS", o.optional);
  out += section(inner, "ARTIFACTS", o.artifacts) + section(inner, "LOCAL ARTIFACTS", o.localArtifacts);
  out += section(inner, "IMAGES", o.images);
  return `${out}\n`;
}

type Documentable = Target | FunctionDef;

function outlineOf(text: string, buildfile: Buildfile, item: Documentable): Outline {
  const globals = "keyword" in item ? [] : globalArgsOf(buildfile);
  return outline(text, globals, item.recipe);
}

/** What `ebuild doc` prints for a whole file: documented targets, then documented functions. */
export function fileDocs(text: string, buildfile: Buildfile, options: DocOptions): string {
  const render = (items: readonly Documentable[]): string =>
    items
      .map((item) => {
        const docs = docsNaming(item.docs, [item.name]);
        return docs === undefined ? "" : describe(scope, item.name, docs, outlineOf(text, buildfile, item), options.long === true);
      })
      .join("");
  let out = `TARGETS:\n${render(buildfile.targets)}`;
  const functions = render(buildfile.functions);
  if (functions !== "") out += `FUNCTIONS:\n${functions}`;
  return out;
}

/** What `ebuild doc +name` prints; fails when the target is missing or undocumented. */
export function targetDocs(text: string, buildfile: Buildfile, name: string): string {
  const item: Documentable | undefined = buildfile.targets.find((t) => t.name === name) ?? buildfile.functions.find((f) => f.name === name);
  if (item === undefined) {
    const known = [...buildfile.targets, ...buildfile.functions].map((t) => `+${t.name}`).join(", ");
    throw new EbuildError("usage", `no target +${name} in ${buildfile.file}`, known === "" ? {} : { hint: `it has ${known}` });
  }
  if (item.docs === undefined) {
    throw new EbuildError("usage", `no doc comment found for +${name}`, {
      at: { file: buildfile.file, line: item.range.start.line, column: item.range.start.column },
      hint: `add a comment starting with the word '${name}' on the line immediately above it`,
    });
  }
  const docs = docsNaming(item.docs, [name]);
  if (docs === undefined) {
    throw new EbuildError("usage", `no doc comment found for +${name}`, {
      at: { file: buildfile.file, line: item.range.start.line, column: item.range.start.column },
      hint: `a comment was found but its first word is not '${name}'`,
    });
  }
  return describe("", name, docs, outlineOf(text, buildfile, item), true);
}

/** Splits `[DIR][+target]` into the directory and the target name. */
export function splitReference(reference: string | undefined): { dir: string; target?: string } {
  if (reference === undefined || reference === "") return { dir: "." };
  const plus = reference.lastIndexOf("+");
  if (plus < 0) return { dir: reference };
  const target = reference.slice(plus + 1);
  if (!/^[A-Za-z][A-Za-z0-9._-]*$/.test(target)) {
    throw new EbuildError("usage", `not a target reference: ${reference}`, { hint: "write DIR+target, +target or DIR" });
  }
  return { dir: reference.slice(0, plus) || ".", target };
}

export async function doc(reference: string | undefined, options: DocOptions): Promise<void> {
  const { dir, target } = splitReference(reference);
  const { text, buildfile } = await loadBuildfile(await locateBuildfile(dir));
  process.stdout.write(target === undefined ? fileDocs(text, buildfile, options) : targetDocs(text, buildfile, target));
}
