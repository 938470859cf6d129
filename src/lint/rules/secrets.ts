/** Secrets passed as build args instead of `RUN --secret`. */
import type { LintRule, RuleFinding } from "../rule.js";
import { eachStatement, scopesOf } from "../walk.js";

/** Name parts that mark a credential (compared whole, case-insensitive: KEYRING is not KEY). */
const secretParts = new Set(["TOKEN", "PASSWORD", "PASSWD", "PWORD", "SECRET", "KEY", "APIKEY", "CREDENTIAL", "CREDENTIALS", "AUTH"]);
/** Parts that say the value is not secret after all. */
const harmlessParts = new Set(["PUBLIC", "FILE", "PATH", "ID", "NAME", "URL"]);

/** Splits `NPM_TOKEN`, `npmToken`, `api-key` into their parts, upper-cased. */
export function nameParts(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .split(/[_.\-]+/)
    .filter((p) => p !== "")
    .map((p) => p.toUpperCase());
}

/** True when an ARG of this name most likely carries a credential. */
export function looksSecret(name: string): boolean {
  const parts = nameParts(name);
  return parts.some((p) => secretParts.has(p)) && !parts.some((p) => harmlessParts.has(p));
}

export const secretInArg: LintRule = {
  id: "secret-in-arg",
  level: "error",
  description: "A credential (TOKEN, PASSWORD, SECRET, KEY, ...) passed through ARG",
  doc:
    "ARG values are part of the build's cache keys and are visible in progress output, build metadata and the command lines BuildKit records; anyone with the cache can read them. " +
    "Secrets belong in `RUN --secret NAME=id` (or `--mount type=secret`), given with `ebuild -s id`: they are mounted for one command and never stored.",
  check(buildfile) {
    const findings: RuleFinding[] = [];
    for (const scope of scopesOf(buildfile)) {
      eachStatement(scope.recipe, (s) => {
        if (s.kind !== "ARG" || !looksSecret(s.name.text)) return;
        const name = s.name.text;
        findings.push({
          range: s.name.range,
          message: `ARG ${name} looks like a secret; build args are stored in the cache and shown in logs`,
          hint: `drop the ARG and use RUN --secret ${name}=${name.toLowerCase().replace(/_/g, "-")} ..., passing the value with ebuild -s ${name.toLowerCase().replace(/_/g, "-")}`,
        });
      });
    }
    return findings;
  },
};
