/**
 * Variable rules: a `$NAME` that nothing declares, and an ARG that nothing reads.
 *
 * Scopes follow Earthfile 0.8: a target sees its own ARG/LET/ENV/FOR names, the base recipe's
 * `ARG --global`s and the base recipe's ENV (targets start from +base's image); a function sees its own
 * names and the globals of the file that defines it.
 */
import type { ArgCommand, Buildfile, Statement } from "../../parser/index.js";
import type { LintRule, RuleFinding } from "../rule.js";
import { eachStatement, isShellStatement, mentions, ownWords, rangeInWord, scopesOf, variableUses, type Scope } from "../walk.js";

/** Builtin args are set by ebuild but must still be declared (`ARG EBUILD_GIT_HASH`) before use. */
const builtinPattern = /^(EBUILD_|EARTHLY_|(TARGET|NATIVE|USER)(PLATFORM|OS|ARCH|VARIANT)$)/;

/** Variables nearly every image sets, which a non-RUN command may read from the image's ENV. */
const imageEnvironment = new Set(["PATH", "HOME", "HOSTNAME", "USER", "PWD", "SHELL", "TERM", "LANG"]);

/** The names a statement declares for the statements after it. */
function declaredBy(statement: Statement): string[] {
  switch (statement.kind) {
    case "ARG":
    case "LET":
      return [statement.name.text];
    case "ENV":
      return statement.pairs.map((p) => p.key.text);
    case "FOR":
      return [statement.variable.text];
    default:
      return [];
  }
}

/** Names every target of the file sees before its first line. */
function inheritedNames(buildfile: Buildfile): { globals: Set<string>; baseEnv: Set<string> } {
  const globals = new Set<string>();
  const baseEnv = new Set<string>();
  eachStatement(buildfile.baseRecipe, (s) => {
    if (s.kind === "ARG" && s.flags.global) globals.add(s.name.text);
    if (s.kind === "ENV") for (const p of s.pairs) baseEnv.add(p.key.text);
  });
  return { globals, baseEnv };
}

export const undeclaredVariable: LintRule = {
  id: "undeclared-variable",
  level: "warning",
  description: "A $NAME in a non-RUN command that no ARG, LET, ENV or FOR declares",
  doc:
    "Outside RUN, ebuild expands `$NAME` itself, and an undeclared name expands to the empty string (or to an ENV of the base image). " +
    "A typo or a missing `ARG` then silently produces a wrong path, tag or image name. Builtin args (EBUILD_*, EARTHLY_*, TARGETPLATFORM, ...) must be declared with `ARG NAME` too.",
  check(buildfile) {
    const { globals, baseEnv } = inheritedNames(buildfile);
    const findings: RuleFinding[] = [];
    for (const scope of scopesOf(buildfile)) {
      const declared = new Set<string>(scope.kind === "base" ? [] : [...globals, ...baseEnv]);
      const reported = new Set<string>();
      eachStatement(scope.recipe, (statement) => {
        if (!isShellStatement(statement)) {
          for (const word of ownWords(statement)) {
            for (const use of variableUses(word.text)) {
              if (declared.has(use.name) || imageEnvironment.has(use.name) || reported.has(use.name)) continue;
              reported.add(use.name);
              findings.push(undeclaredFinding(use.name, rangeInWord(word, use.index, use.name.length + 1), scope));
            }
          }
        }
        for (const name of declaredBy(statement)) declared.add(name);
      });
    }
    return findings;
  },
};

function undeclaredFinding(name: string, range: RuleFinding["range"], scope: Scope): RuleFinding {
  const where = scope.kind === "base" ? "the base recipe" : `${scope.kind === "function" ? "function" : "target"} ${scope.name}`;
  if (builtinPattern.test(name)) {
    return { range, message: `builtin arg ${name} is used in ${where} without being declared`, hint: `declare it first: ARG ${name}` };
  }
  return { range, message: `${name} is used in ${where} but never declared before this line`, hint: `declare it first (ARG ${name}=default, or ARG --global ${name} in the base recipe), or fix the name` };
}

export const unusedArg: LintRule = {
  id: "unused-arg",
  level: "warning",
  description: "An ARG that no command of its scope reads",
  doc:
    "An ARG that nothing reads still takes part in every cache key of the recipe (ARGs reach each RUN as environment variables), and it misleads readers about what the target accepts. " +
    "If a program reads it from the environment inside RUN, silence the rule on that line.",
  check(buildfile) {
    const findings: RuleFinding[] = [];
    const scopes = scopesOf(buildfile);
    const allStatements = scopes.flatMap((s) => statementsOf(s.recipe));
    for (const scope of scopes) {
      const own = statementsOf(scope.recipe);
      // --pass-args forwards every arg in scope, so each one may be read by the callee.
      if (own.some(passesArgs)) continue;
      for (const arg of own.filter((s): s is ArgCommand => s.kind === "ARG")) {
        const readers = arg.flags.global ? allStatements : own;
        const name = arg.name.text;
        const read = readers.some((s) => s !== arg && ownWords(s).some((w) => mentions(w.text, name)));
        const valueOnly = arg.value !== undefined && mentions(arg.value.text, name);
        if (!read && !valueOnly) {
          findings.push({ range: arg.name.range, message: `ARG ${name} is declared but never used`, hint: `remove the ARG, or read it as $${name}` });
        }
      }
    }
    return findings;
  },
};

function statementsOf(recipe: Statement[]): Statement[] {
  const out: Statement[] = [];
  eachStatement(recipe, (s) => out.push(s));
  return out;
}

function passesArgs(statement: Statement): boolean {
  switch (statement.kind) {
    case "BUILD":
    case "FROM":
    case "COPY":
    case "DO":
    case "WITH_DOCKER":
      return statement.flags.passArgs;
    default:
      return false;
  }
}
