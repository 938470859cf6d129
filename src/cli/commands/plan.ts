/**
 * `ebuild plan +target [--ARG=value...]`: what a build would do, without running it. Prints the
 * targets the entry reaches as a tree with how each is reached (BUILD, FROM, COPY, DO, LOAD) and
 * every SAVE statement with whether it fires and, if not, why. `--llb` dumps the definitions,
 * `--json` gives the plan for tools. Nothing runs on the host unless `--host-commands` asks for a
 * LOCALLY target's IF conditions and `$(...)`, which are then listed with their answers.
 */
import chalk from "chalk";
import { access, readFile } from "node:fs/promises";
import { EbuildError } from "../../errors.js";
import { plan, parseForPlanning, type PlanResult, type SourceReader } from "../../planner/index.js";
import { dumpDefinition } from "../../planner/llb/index.js";
import { describeCheckout } from "../../planner/remote.js";
import { OnDemandGitFiles } from "../build/remote-files.js";
import { ProcessHostShell } from "../build/host-shell.js";
import { loadFlagDefaults } from "../settings.js";
import { entryOf } from "../entry.js";
import { ebuildVersion } from "../version.js";
import { GitFactsReader } from "../build/git-facts.js";

export interface PlanOptions {
  platform?: string;
  llb?: boolean;
  json?: boolean;
  push?: boolean;
  hostCommands?: boolean;
}

/** Files through node:fs, for the planner. */
export const nodeSourceReader: SourceReader = {
  readFile: (path) => readFile(path, "utf8"),
  exists: (path) =>
    access(path).then(
      () => true,
      () => false,
    ),
};

/** Splits `+target --A=1 --B` style arguments into the target and its overrides. */
export function parseTargetArguments(args: readonly string[]): { target: string; overrides: Array<[string, string]> } {
  const [target, ...rest] = args;
  if (target === undefined) throw new EbuildError("usage", "which target? e.g. ebuild plan +build", { hint: "targets are written +name or ./dir+name" });
  const overrides = rest.map((arg): [string, string] => {
    const match = /^--([A-Za-z_][A-Za-z0-9_]*)(?:=(.*))?$/s.exec(arg);
    if (match === null) throw new EbuildError("usage", `"${arg}" is not an override`, { hint: "write --NAME=value after the target" });
    return [match[1]!, match[2] ?? ""];
  });
  return { target, overrides };
}

export async function planCommand(args: readonly string[], options: PlanOptions): Promise<void> {
  const { target, overrides } = parseTargetArguments(args);
  const entry = entryOf(target, process.cwd());
  const defaults = await loadFlagDefaults(process.cwd(), process.env);
  // Remote references are read from git checkouts on the daemon, connected only if one is met.
  const gitFiles = new OnDemandGitFiles();
  const result = await plan({
    entry: { directory: entry.directory, name: entry.name },
    ...(entry.outputDirectory === undefined ? {} : { outputDirectory: entry.outputDirectory }),
    overrides,
    platform: (options.platform ?? "linux/amd64").split(",")[0]!.trim(),
    platforms: (options.platform ?? "linux/amd64").split(",").map((p) => p.trim()).filter((p) => p !== ""),
    push: options.push === true,
    version: ebuildVersion(),
    gitFacts: new GitFactsReader().factsOf,
    reader: nodeSourceReader,
    parse: parseForPlanning,
    git: { urlInsteadOf: defaults.gitUrlInsteadOf },
    gitFiles,
    ...(options.hostCommands === true ? { host: new ProcessHostShell() } : {}),
  }).finally(() => gitFiles.close());
  const out = (text: string) => process.stdout.write(`${text}\n`);
  if (options.llb === true) {
    out(JSON.stringify(result.plan.outputs.map((o) => ({ kind: o.kind, target: o.target, definition: dumpDefinition(o.definition) })), null, 2));
  } else if (options.json === true) {
    out(JSON.stringify(planJson(result), null, 2));
  } else {
    for (const line of planTree(result)) out(line);
  }
}

/** The plan for tools: definitions as digests, not bytes. */
function planJson({ plan: p, reach }: PlanResult): unknown {
  return {
    ...p,
    hostEvaluations: reach.hostEvaluations,
    ...(p.steps === undefined ? {} : { steps: Object.fromEntries(p.steps) }),
    outputs: p.outputs.map(({ definition, ...rest }) => ({ ...rest, ops: dumpDefinition(definition).ops.map((op) => op.digest) })),
  };
}

/** The reached targets as a tree: statements of each target, then the edges to others. */
export function planTree({ reach }: PlanResult): string[] {
  const lines: string[] = [];
  const shown = new Set<string>();
  const byInvocation = new Map<string, typeof reach.effects.verdicts>();
  for (const verdict of reach.effects.verdicts) byInvocation.set(verdict.invocation, [...(byInvocation.get(verdict.invocation) ?? []), verdict]);
  const at = (position: { file: string; line: number } | undefined) => (position === undefined ? "" : chalk.dim(` ${shortFile(position.file)}:${position.line}`));
  // A remote target shows the checkout it comes from, the first time it is shown.
  const checkouts = new Map(reach.targets.flatMap((t) => (t.checkout === undefined ? [] : [[t.key, describeCheckout(t.checkout)] as const])));
  const from = (key: string) => {
    const checkout = checkouts.get(key);
    return checkout === undefined ? "" : chalk.dim(` from ${checkout}`);
  };
  const visit = (key: string, indent: string) => {
    shown.add(key);
    // Host execution is spelled out, so reviewers see what a build runs outside BuildKit.
    for (const evaluation of reach.hostEvaluations.filter((e) => e.target === reach.graph.label(key))) {
      const what = evaluation.kind === "IF" ? `IF ${evaluation.command}` : `$(${evaluation.command})`;
      lines.push(`${indent}  ${chalk.magenta("LOCALLY")} ${what}${at(evaluation.at)}  ${chalk.dim(`ran on the host while planning → ${evaluation.kind === "IF" ? evaluation.result : JSON.stringify(evaluation.result)}`)}`);
    }
    for (const run of reach.hostRuns.filter((r) => r.target === reach.graph.label(key))) {
      const command = "shell" in run.command ? run.command.shell : JSON.stringify(run.command.exec);
      lines.push(`${indent}  ${chalk.magenta("LOCALLY")} RUN ${command}${at(run.at)}  ${chalk.dim(`runs on the host in ${run.directory === process.cwd() ? "." : shortFile(run.directory)}`)}`);
    }
    for (const verdict of byInvocation.get(key) ?? []) {
      const what = verdict.kind === "image" ? `SAVE IMAGE ${verdict.what}` : verdict.kind === "artifact" ? `SAVE ARTIFACT … AS LOCAL ${verdict.what}` : `RUN --push ${verdict.what}`;
      lines.push(`${indent}  ${verdict.fires ? chalk.green("✓ fires") : chalk.yellow("✗ does not fire")}  ${what}${at(verdict.at)}`);
      if (!verdict.fires) lines.push(`${indent}      ${chalk.dim(verdict.reason)}`);
    }
    for (const edge of reach.graph.edges.filter((e) => e.from === key)) {
      const label = reach.graph.label(edge.to);
      if (edge.kind === "DO" || shown.has(edge.to)) {
        lines.push(`${indent}  ${edge.kind} ${label}${at(edge.at)}${edge.kind === "DO" ? "" : chalk.dim(" (above)")}`);
        continue;
      }
      lines.push(`${indent}  ${edge.kind} ${label}${at(edge.at)}${from(edge.to)}`);
      visit(edge.to, `${indent}  `);
    }
  };
  for (const entry of reach.entries) {
    lines.push(reach.graph.label(entry));
    visit(entry, "");
  }
  return lines;
}

function shortFile(file: string): string {
  const cwd = process.cwd();
  return file.startsWith(`${cwd}/`) ? file.slice(cwd.length + 1) : file;
}
