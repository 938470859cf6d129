/** The file's form: a missing VERSION line and spellings Earthly has deprecated. */
import type { Word } from "../../parser/index.js";
import type { LintRule, RuleFinding } from "../rule.js";
import { eachStatement, ownWords, rangeAt, scopesOf } from "../walk.js";

export const missingVersion: LintRule = {
  id: "missing-version",
  level: "warning",
  description: "No VERSION line at the top of the file",
  doc:
    "The VERSION line says which language the file is written in (0.7 or 0.8 semantics, feature flags). " +
    "Earthly has required it since 0.7, so a file without it does not run there, and readers cannot tell which rules apply.",
  check(buildfile) {
    if (buildfile.version !== undefined) return [];
    const start = { line: 1, column: 1, offset: 0 };
    return [{ range: { file: buildfile.file, start, end: start }, message: "the file has no VERSION line", hint: "start the file with VERSION 0.8" }];
  },
};

export const deprecatedCommandKeyword: LintRule = {
  id: "deprecated-command-keyword",
  level: "warning",
  description: "A function declared with the 0.7 keyword COMMAND instead of FUNCTION",
  doc: "`COMMAND` is the 0.7 spelling of `FUNCTION`; VERSION 0.8 rejects it in Earthly. Both mean the same in ebuild.",
  check(buildfile, context) {
    const findings: RuleFinding[] = [];
    for (const f of buildfile.functions) {
      if (f.keyword !== "COMMAND") continue;
      // The AST keeps the keyword but not its position: it is the first word after the `NAME:` line.
      const match = /^[^\n]*\n(?:[ \t]*(?:#[^\n]*)?\n)*[ \t]*(COMMAND)\b/.exec(context.text.slice(f.range.start.offset));
      const range =
        match === null
          ? scopesOf(buildfile).find((s) => s.kind === "function" && s.name === f.name)!.header
          : rangeAt(context.text, buildfile.file, f.range.start.offset + match[0].length - "COMMAND".length, "COMMAND".length);
      findings.push({ range, message: `function ${f.name} is declared with COMMAND, the deprecated spelling`, hint: "write FUNCTION instead of COMMAND" });
    }
    return findings;
  },
};

export const deprecatedBuildArg: LintRule = {
  id: "deprecated-build-arg",
  level: "warning",
  description: "`--build-arg NAME=value` on FROM, COPY, BUILD or WITH DOCKER instead of `--NAME=value`",
  doc:
    "`--build-arg NAME=value` is the old spelling of a target override. Write the override after the reference, `BUILD +t --NAME=value`, " +
    "as the rest of the file does. FROM DOCKERFILE keeps `--build-arg`: there it is the Dockerfile's own flag.",
  check(buildfile) {
    const findings: RuleFinding[] = [];
    for (const scope of scopesOf(buildfile)) {
      eachStatement(scope.recipe, (s) => {
        let words: Word[] = [];
        if (s.kind === "FROM" || s.kind === "COPY" || s.kind === "BUILD" || s.kind === "WITH_DOCKER") words = s.flags.buildArgs;
        for (const word of words) {
          // The `--build-arg` flag word written just before this value (or holding it, `--build-arg=K=v`).
          const flag = ownWords(s).filter((a) => a.text.startsWith("--build-arg") && a.range.start.offset <= word.range.start.offset).pop();
          const [name, ...value] = word.text.replace(/^--build-arg=/, "").split("=");
          findings.push({
            range: flag?.range ?? word.range,
            message: `--build-arg ${word.text} is the deprecated spelling of an override`,
            hint: `write --${name}=${value.join("=")} after the reference instead`,
          });
        }
      });
    }
    return findings;
  },
};
