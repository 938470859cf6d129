/** A FUNCTION that no `DO` of its own file calls. */
import type { LintRule, RuleFinding } from "../rule.js";
import { localReferences } from "../references.js";
import { scopesOf } from "../walk.js";

export const uncalledFunction: LintRule = {
  id: "uncalled-function",
  level: "warning",
  description: "A FUNCTION that no DO in the file calls",
  doc:
    "A function nobody calls is dead code that still has to be read and kept working. " +
    "Files that hold only functions (no targets) are treated as libraries for other Buildfiles and are not checked; " +
    "for a function called only from other Buildfiles of a file that also has targets, silence the rule on its `NAME:` line.",
  check(buildfile) {
    if (buildfile.targets.length === 0) return [];
    const called = new Set(localReferences(buildfile).filter((r) => r.use === "DO").map((r) => r.name));
    const findings: RuleFinding[] = [];
    for (const scope of scopesOf(buildfile)) {
      if (scope.kind !== "function" || called.has(scope.name)) continue;
      findings.push({ range: scope.header, message: `function ${scope.name} is never called`, hint: `call it with DO +${scope.name}, or remove it` });
    }
    return findings;
  },
};
