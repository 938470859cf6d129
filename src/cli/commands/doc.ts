/**
 * `ebuild doc [DIR][+target]`: the documented targets of a Buildfile, as Earthly's `doc` shows them.
 * A target is documented by the comment block directly above it whose first word is its name; its
 * documented ARGs come along. With a target (or `--long`), also its artifacts and images.
 */
import { EbuildError } from "../../errors.js";
import type { ArgCommand, Statement, Target } from "../../parser/index.js";
import { argsOf, loadBuildfile } from "./ls.js";

export interface DocOptions {
  long?: boolean;
}

/** `dir+target`, `+target` or `dir` → its parts. */
export function splitReference(ref: string | undefined): { dir: string; target?: string } {
  if (ref === undefined || ref === "") return { dir: "." };
  const plus = ref.lastIndexOf("+");
  if (plus < 0) return { dir: ref };
  return { dir: ref.slice(0, plus) === "" ? "." : ref.slice(0, plus), target: ref.slice(plus + 1) };
}

function documented(target: Target): boolean {
  return target.docs !== undefined && target.docs.split(/\s+/)[0] === target.name;
}

function signature(target: Target): string {
  const parts = [`+${target.name}`];
  for (const arg of argsOf(target.recipe)) {
    if (arg.flags.required) parts.push(`--${arg.name.text}`);
    else if (arg.value !== undefined && arg.value.text !== "") parts.push(`[--${arg.name.text}=${arg.value.text}]`);
    else parts.push(`[--${arg.name.text}]`);
  }
  return parts.join(" ");
}

function indent(text: string, by: string): string[] {
  return text.split("\n").map((l) => (l === "" ? "" : `${by}${l}`));
}

function collect(recipe: Statement[], into: Statement[] = []): Statement[] {
  for (const s of recipe) {
    into.push(s);
    if (s.kind === "IF") {
      for (const b of s.branches) collect(b.body, into);
      collect(s.elseBody ?? [], into);
    } else if (s.kind === "FOR" || s.kind === "WAIT" || s.kind === "WITH_DOCKER") collect(s.body, into);
    else if (s.kind === "TRY") {
      collect(s.body, into);
      collect(s.catchBody ?? [], into);
      collect(s.finallyBody ?? [], into);
    }
  }
  return into;
}

function argLines(title: string, args: ArgCommand[]): string[] {
  if (args.length === 0) return [];
  const out = ["", `  ${title}:`];
  for (const arg of args) {
    out.push(`    --${arg.name.text}${arg.value !== undefined && arg.value.text !== "" ? `=${arg.value.text}` : ""}`);
    if (arg.docs !== undefined) out.push(...indent(arg.docs, "      "));
  }
  return out;
}

/** The long view of one target: its args, artifacts, local artifacts and images. */
function longView(target: Target): string[] {
  const args = argsOf(target.recipe);
  const statements = collect(target.recipe);
  const out = [...argLines("REQUIRED ARGS", args.filter((a) => a.flags.required)), ...argLines("OPTIONAL ARGS", args.filter((a) => !a.flags.required))];
  const artifacts: string[] = [];
  const locals: string[] = [];
  const images: string[] = [];
  for (const s of statements) {
    if (s.kind === "SAVE_ARTIFACT") {
      const name = s.artifactDest?.text ?? s.source.text.replace(/\/+$/, "").split("/").pop() ?? s.source.text;
      artifacts.push(`+${target.name}/${name.replace(/^\/+/, "")}`);
      if (s.asLocal !== undefined) locals.push(`${s.source.text} -> ${s.asLocal.text}`);
    } else if (s.kind === "SAVE_IMAGE") images.push(...s.names.map((n) => n.text));
  }
  for (const [title, items] of [["ARTIFACTS", artifacts], ["LOCAL ARTIFACTS", locals], ["IMAGES", images]] as const) {
    if (items.length > 0) out.push("", `  ${title}:`, ...items.map((i) => `    ${i}`));
  }
  return out;
}

export function doc(ref: string | undefined, options: DocOptions): void {
  const { dir, target: name } = splitReference(ref);
  const file = loadBuildfile(dir);
  const out: string[] = [];
  if (name !== undefined) {
    const target = file.targets.find((t) => t.name === name);
    if (target === undefined) {
      throw new EbuildError("usage", `no target +${name} in ${file.file}`, { hint: `run \`ebuild ls ${dir}\` to list the targets` });
    }
    if (!documented(target)) {
      throw new EbuildError("usage", `no doc comment found for +${name}`, { hint: `add a comment block starting with "${name}" directly above the target` });
    }
    out.push(signature(target), ...indent(target.docs!, "  "), ...longView(target));
  } else {
    out.push("TARGETS:");
    for (const target of file.targets.filter(documented)) {
      out.push(`  ${signature(target)}`, ...indent(target.docs!, "      "));
      if (options.long === true) out.push(...longView(target).map((l) => (l === "" ? l : `    ${l}`)));
    }
  }
  process.stdout.write(`${out.join("\n")}\n`);
}
