import { EbuildError } from "../errors.js";
import type { Statement } from "../parser/ast.js";
import { positionOf } from "./expansion.js";

/**
 * `--strict` (and `--ci`, which implies it) refuses what a CI machine could not repeat: commands
 * that run on the host (LOCALLY) or wait for a person (RUN --interactive). As in Earthly, only
 * statements the build reaches are checked; `--no-cache` stays allowed, since running steps again
 * makes a build no less repeatable.
 */
export function refuseUnrepeatable(s: Statement): void {
  const at = positionOf(s.range);
  if (s.kind === "LOCALLY") {
    throw new EbuildError("semantic", "LOCALLY cannot be used with --strict (or --ci, which implies it)", {
      at,
      hint: "LOCALLY runs on this machine, so another machine cannot repeat it; build in a container (FROM) or drop --strict/--ci",
    });
  }
  if (s.kind === "RUN" && (s.flags.interactive || s.flags.interactiveKeep)) {
    const flag = s.flags.interactiveKeep ? "--interactive-keep" : "--interactive";
    throw new EbuildError("semantic", `RUN ${flag} cannot be used with --strict (or --ci, which implies it)`, {
      at,
      hint: `an interactive shell waits for a person; remove ${flag} or drop --strict/--ci`,
    });
  }
}
