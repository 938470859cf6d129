/** `COPY . .` before the step that installs dependencies: every source edit re-runs the install. */
import type { CopyCommand, RunCommand, Statement } from "../../parser/index.js";
import type { LintRule, RuleFinding } from "../rule.js";
import { commandsOf, scopesOf } from "../walk.js";

/** Sources that mean "the whole build context". */
const wholeContext = new Set([".", "./", "./*", "*", "./.", "."]);

/** Commands that fetch dependencies from a manifest (or the system's package index). */
const installSteps: RegExp[] = [
  /\bnpm\s+(ci|install|i)\b/,
  /\byarn(\s+install)?\s*(--frozen-lockfile|--immutable)?\s*($|&&|;)/,
  /\bpnpm\s+(install|i)\b/,
  /\bbun\s+install\b/,
  /\bpip3?\s+install\s+(-\S+\s+)*-r\b/,
  /\b(poetry|pipenv|uv)\s+(install|sync)\b/,
  /\bgo\s+mod\s+download\b/,
  /\bbundle\s+install\b/,
  /\bcomposer\s+install\b/,
  /\bcargo\s+fetch\b/,
  /\bmvn\b.*\bdependency:(go-offline|resolve)\b/,
  /\bdotnet\s+restore\b/,
  /\bmix\s+deps\.get\b/,
  /\bapt(-get)?\s+(-\S+\s+)*install\b/,
  /\bapk\s+add\b/,
];

export function installStep(text: string): string | undefined {
  for (const pattern of installSteps) {
    const match = pattern.exec(text);
    if (match !== null) return match[0].replace(/\s*(&&|;)$/, "").trim();
  }
  return undefined;
}

function copiesWholeContext(copy: CopyCommand): boolean {
  return copy.sources.some((s) => !s.source.text.includes("+") && wholeContext.has(s.source.text));
}

export const copyContextBeforeInstall: LintRule = {
  id: "copy-context-before-install",
  level: "warning",
  description: "COPY of the whole context (`COPY . .`) before the step that installs dependencies",
  doc:
    "A COPY's cache key is the content of what it copies, and every command after a cache miss runs again. " +
    "Copying the whole context before `npm ci`, `go mod download`, `pip install -r ...` or `apt-get install` means any edit to any file re-downloads every dependency. " +
    "Copy the manifests first (package.json and package-lock.json, go.mod and go.sum, requirements.txt), install, then copy the rest.",
  check(buildfile) {
    const findings: RuleFinding[] = [];
    for (const scope of scopesOf(buildfile)) {
      const commands: Statement[] = commandsOf(scope.recipe);
      const copyIndex = commands.findIndex((c) => c.kind === "COPY" && copiesWholeContext(c));
      if (copyIndex < 0) continue;
      const copy = commands[copyIndex] as CopyCommand;
      for (const later of commands.slice(copyIndex + 1)) {
        if (later.kind !== "RUN") continue;
        const step = installStep((later as RunCommand).text);
        if (step === undefined) continue;
        findings.push({
          range: copy.range,
          message: `COPY of the whole context comes before \`${step}\` (line ${later.range.start.line}): any file change re-runs the install`,
          hint: "copy only the dependency manifests first, run the install, then COPY the rest of the sources",
        });
        break;
      }
    }
    return findings;
  },
};
