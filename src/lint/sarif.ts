/**
 * Findings as a SARIF 2.1.0 log, the format code-scanning services (GitHub, GitLab, Azure DevOps)
 * accept: one run, the rules in `tool.driver.rules`, one result per finding.
 */
import type { Finding } from "./rule.js";
import type { RuleInfo } from "./index.js";

export interface SarifOptions {
  toolVersion: string;
  /** Every rule a result may name, in a fixed order (results point at them by index). */
  rules: readonly RuleInfo[];
  /** The artifact URI of a finding's file: relative to the repository root where possible. */
  uriOf(file: string): string;
}

/** The SARIF log object; serialise it with JSON.stringify. */
export function toSarif(findings: readonly Finding[], options: SarifOptions): Record<string, unknown> {
  const index = new Map(options.rules.map((r, i) => [r.id, i]));
  return {
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "ebuild",
            version: options.toolVersion,
            rules: options.rules.map((r) => ({
              id: r.id,
              name: pascalCase(r.id),
              shortDescription: { text: r.description },
              fullDescription: { text: r.doc },
              help: { text: `${r.doc}\n\nSilence it on one command with a comment above it: # ebuild-lint-disable-next-line ${r.id}` },
              defaultConfiguration: { level: r.level },
            })),
          },
        },
        columnKind: "utf16CodeUnits",
        results: findings.map((f) => ({
          ruleId: f.ruleId,
          ...(index.has(f.ruleId) ? { ruleIndex: index.get(f.ruleId) } : {}),
          level: f.level,
          message: { text: `${f.message}. Fix: ${f.hint}` },
          locations: [{ physicalLocation: { artifactLocation: artifactLocation(options.uriOf(f.range.file)), region: region(f) } }],
        })),
      },
    ],
  };
}

/** A relative URI is relative to the checked-out sources, which SARIF names `%SRCROOT%`. */
function artifactLocation(uri: string): Record<string, string> {
  return /^[a-z][a-z0-9+.-]*:/i.test(uri) ? { uri } : { uri, uriBaseId: "%SRCROOT%" };
}

/** A SARIF region; an empty range (a point) gets no end, which SARIF reads as the start. */
function region(f: Finding): Record<string, number> {
  const { start, end } = f.range;
  const empty = end.offset <= start.offset;
  return empty ? { startLine: start.line, startColumn: start.column } : { startLine: start.line, startColumn: start.column, endLine: end.line, endColumn: end.column };
}

function pascalCase(id: string): string {
  return id.replace(/(^|-)([a-z])/g, (_, _dash: string, c: string) => c.toUpperCase());
}
