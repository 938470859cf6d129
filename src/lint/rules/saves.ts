/**
 * SAVE rules: one image name saved by two commands, and a target whose SAVE effects no BUILD of the
 * file ever keeps.
 */
import type { Statement, Word } from "../../parser/index.js";
import type { LintRule, RuleFinding } from "../rule.js";
import { localReferences, type LocalReference } from "../references.js";
import { eachStatement, scopesOf, type ArmPath } from "../walk.js";

interface SavedName {
  word: Word;
  arms: ArmPath;
  scope: string;
}

/** Two saves exclude each other when they sit in different arms of one IF. */
function exclusive(a: ArmPath, b: ArmPath): boolean {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] === b[i]) continue;
    return a[i]!.split(":")[0] === b[i]!.split(":")[0];
  }
  return false;
}

export const duplicateImageName: LintRule = {
  id: "duplicate-image-name",
  level: "error",
  description: "The same image name given to SAVE IMAGE twice",
  doc:
    "When two SAVE IMAGE commands give the same name, whichever finishes last wins: the image that ends up in Docker (or in the registry) depends on timing. " +
    "Names that hold a `$VARIABLE` are not compared, since their values may differ; saves in different arms of one IF are allowed.",
  check(buildfile) {
    const seen = new Map<string, SavedName[]>();
    const findings: RuleFinding[] = [];
    for (const scope of scopesOf(buildfile)) {
      eachStatement(scope.recipe, (s, arms) => {
        if (s.kind !== "SAVE_IMAGE") return;
        for (const word of s.names) {
          if (word.text.includes("$")) continue;
          const earlier = (seen.get(word.text) ?? []).find((e) => !exclusive(e.arms, arms));
          if (earlier !== undefined) {
            const where = earlier.scope === scope.name ? "earlier in this target" : `by +${earlier.scope}`;
            findings.push({
              range: word.range,
              message: `image ${word.text} is already saved ${where} (line ${earlier.word.range.start.line})`,
              hint: "give each SAVE IMAGE its own name or tag, or save it once",
            });
          }
          seen.set(word.text, [...(seen.get(word.text) ?? []), { word, arms, scope: scope.name }]);
        }
      });
    }
    return findings;
  },
};

/**
 * The first command of a target that leaves something outside the build: an output or a push.
 * `imagesCount` is false for a target loaded by WITH DOCKER --load, where SAVE IMAGE names the image
 * inside the container and so is not dropped.
 */
function firstEffect(recipe: Statement[], imagesCount: boolean): { statement: Statement; what: string } | undefined {
  let first: { statement: Statement; what: string } | undefined;
  eachStatement(recipe, (s) => {
    if (first !== undefined) return;
    if (s.kind === "SAVE_IMAGE" && s.names.length > 0 && imagesCount) first = { statement: s, what: `saves the image ${s.names[0]!.text}` };
    else if (s.kind === "SAVE_ARTIFACT" && s.asLocal !== undefined) first = { statement: s, what: `writes ${s.asLocal.text} on the host` };
    else if (s.kind === "RUN" && s.flags.push) first = { statement: s, what: "runs a RUN --push" };
  });
  return first;
}

export const saveNeverFires: LintRule = {
  id: "save-never-fires",
  level: "warning",
  description: "A target whose SAVE effects are dropped because every reference to it is FROM, COPY or --load",
  doc:
    "A target's SAVE IMAGE, SAVE ARTIFACT ... AS LOCAL and RUN --push happen only when the target is named on the command line or reached through an unbroken chain of BUILD commands. " +
    "FROM, COPY and WITH DOCKER --load use the target's image or artifacts but drop its outputs. " +
    "A target that the file references only that way will never save anything unless a user builds it by name, which is rarely what the author meant.",
  check(buildfile) {
    const references = localReferences(buildfile);
    const findings: RuleFinding[] = [];
    for (const target of buildfile.targets) {
      const uses = references.filter((r) => r.name === target.name && r.from !== target.name);
      if (uses.length === 0 || uses.some((r) => r.use === "BUILD")) continue;
      const effect = firstEffect(target.recipe, !uses.some((r) => r.use === "LOAD"));
      if (effect === undefined) continue;
      findings.push({
        range: effect.statement.range,
        message: `+${target.name} ${effect.what}, but every reference to it (${describe(uses)}) drops that effect`,
        hint: `add BUILD +${target.name} to a target that is built (e.g. next to the ${uses[0]!.use === "LOAD" ? "WITH DOCKER" : uses[0]!.use}), or move the SAVE to the target that uses it`,
      });
    }
    return findings;
  },
};

function describe(uses: LocalReference[]): string {
  const shown = uses.slice(0, 3).map((r) => `${r.use === "LOAD" ? "--load" : r.use} in +${r.from} line ${r.word.range.start.line}`);
  return shown.join(", ") + (uses.length > 3 ? `, and ${uses.length - 3} more` : "");
}
