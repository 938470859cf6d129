/** RUN habits that fight the layer cache: `apt-get update` on its own, and `cd` instead of WORKDIR. */
import type { Buildfile, RunCommand } from "../../parser/index.js";
import type { LintRule, RuleFinding } from "../rule.js";
import { commandsOf, scopesOf } from "../walk.js";

function shellRuns(buildfile: Buildfile): RunCommand[] {
  return scopesOf(buildfile)
    .flatMap((s) => commandsOf(s.recipe))
    .filter((c): c is RunCommand => c.kind === "RUN" && c.form === "shell");
}

const aptUpdate = /\bapt(-get)?\s+(-\S+\s+)*update\b/;
const aptInstall = /\bapt(-get)?\s+(-\S+\s+)*(install|upgrade|dist-upgrade|build-dep)\b/;

export const aptGetUpdateAlone: LintRule = {
  id: "apt-get-update-alone",
  level: "warning",
  description: "`apt-get update` in a RUN without the `apt-get install` that needs it",
  doc:
    "A RUN is cached by its command text. `RUN apt-get update` alone becomes a cached layer holding a package index that goes stale, " +
    "and a later `RUN apt-get install` (or one edited months later) installs from that old index or fails when mirrors have moved on. " +
    "Update and install in the same RUN so they are always cached together.",
  check(buildfile) {
    const findings: RuleFinding[] = [];
    for (const run of shellRuns(buildfile)) {
      if (!aptUpdate.test(run.text) || aptInstall.test(run.text)) continue;
      findings.push({
        range: run.range,
        message: "apt-get update runs in a RUN of its own; its cached package index goes stale",
        hint: "update and install in one RUN: RUN apt-get update && apt-get install -y PACKAGES",
      });
    }
    return findings;
  },
};

export const runCd: LintRule = {
  id: "run-cd",
  level: "warning",
  description: "RUN that starts with `cd` instead of using WORKDIR",
  doc:
    "`cd` lasts only for the RUN it is written in, so the next command silently runs in the old directory, and every RUN has to repeat it. " +
    "WORKDIR sets the directory for all following commands and creates it when missing. A `cd` inside a subshell, `(cd dir && make)`, is deliberate and not reported.",
  check(buildfile) {
    const findings: RuleFinding[] = [];
    for (const run of shellRuns(buildfile)) {
      const match = /^\s*cd\s+([^\s;&|]+)/.exec(run.text);
      if (match === null) continue;
      findings.push({
        range: run.command[0]?.range ?? run.range,
        message: `RUN changes directory with cd ${match[1]}; the next command will not be in it`,
        hint: `use WORKDIR ${match[1]} before the RUN instead`,
      });
    }
    return findings;
  },
};
