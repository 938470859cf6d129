/**
 * `ebuild lint` through the real CLI process: the text report and its exit codes, `--format json`,
 * and `--format sarif` validated against the SARIF 2.1.0 JSON schema shipped in the npm package
 * @microsoft/jest-sarif.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import AjvDraft04 from "ajv-draft-04";
import { ebuild, project } from "../support/cli.js";

const root = join(import.meta.dirname, "..", "..");
const lint = (args: string[], cwd = root) => ebuild(["lint", ...args], { cwd });

test("a clean Buildfile: no problems, exit 0", async () => {
  const run = await lint(["fixtures/lint/clean/Buildfile"]);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.equal(run.stdout, "no problems in 1 file\n");
});

test("warnings are listed as file:line:col id message with a hint, and exit 0", async () => {
  const run = await lint(["fixtures/lint/warnings"]);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const findings = run.stdout.split("\n").filter((l) => l.startsWith("fixtures/"));
  assert.deepEqual(
    findings.map((l) => l.split(" ").slice(0, 2).join(" ")),
    ["fixtures/lint/warnings/Buildfile:6:5 copy-context-before-install", "fixtures/lint/warnings/Buildfile:7:5 apt-get-update-alone", "fixtures/lint/warnings/Buildfile:9:9 run-cd"],
  );
  assert.equal(run.stdout.split("\n").filter((l) => l.startsWith("  hint: ")).length, 3);
  assert.match(run.stdout, /0 errors, 3 warnings in 1 file\n$/);
});

test("a finding at error level makes lint exit 1", async () => {
  const run = await lint(["fixtures/lint/errors/Buildfile"]);
  assert.equal(run.code, 1, run.stdout + run.stderr);
  assert.match(run.stdout, /^fixtures\/lint\/errors\/Buildfile:5:9 secret-in-arg ARG NPM_TOKEN /m);
  assert.match(run.stdout, /^fixtures\/lint\/errors\/Buildfile:11:16 duplicate-image-name /m);
});

test("a Buildfile that does not parse makes lint exit 2 and shows where", async () => {
  const run = await lint(["fixtures/lint/syntax/Buildfile", "fixtures/lint/errors/Buildfile"]);
  assert.equal(run.code, 2, run.stdout + run.stderr);
  assert.match(run.stdout, /fixtures\/lint\/syntax\/Buildfile:5:5: unknown command RUNN/);
  assert.match(run.stdout, /did you mean RUN\?/);
  assert.match(run.stdout, /secret-in-arg/, "the other file is still linted");
});

test("--rule runs only the rules named", async () => {
  const run = await lint(["--rule", "run-cd", "fixtures/lint/warnings/Buildfile"]);
  assert.equal(run.code, 0);
  assert.deepEqual(run.stdout.split("\n").filter((l) => l.startsWith("fixtures/")).map((l) => l.split(" ")[1]), ["run-cd"]);
});

test("bad command lines exit 2 with a hint", async () => {
  for (const args of [["--format", "xml", "fixtures/lint/clean"], ["--rule", "no-such-rule", "fixtures/lint/clean"], ["fixtures/lint/missing"]]) {
    const run = await lint(args);
    assert.equal(run.code, 2, args.join(" "));
    assert.match(run.stderr, /hint:/);
  }
});

test("with no path, lint reads the Buildfile of the working directory", async () => {
  const dir = await project({ Buildfile: "VERSION 0.8\nt:\n    FROM ebuild-fixture/busybox:latest\n    RUN cd /x\n" });
  const run = await lint([], dir);
  assert.equal(run.code, 0);
  assert.match(run.stdout, /^Buildfile:4:9 run-cd /m);
});

test("--format json lists every finding with its position, rule, level and hint", async () => {
  const run = await lint(["--format", "json", "fixtures/lint/warnings", "fixtures/lint/errors/Buildfile"]);
  assert.equal(run.code, 1);
  const report = JSON.parse(run.stdout) as { files: string[]; findings: Array<Record<string, unknown>>; errors: number; warnings: number };
  assert.deepEqual(report.files, ["fixtures/lint/warnings/Buildfile", "fixtures/lint/errors/Buildfile"]);
  assert.equal(report.errors, 2);
  assert.equal(report.warnings, 3);
  assert.deepEqual(report.findings[0], {
    file: "fixtures/lint/warnings/Buildfile",
    line: 6,
    column: 5,
    endLine: 6,
    endColumn: 13,
    ruleId: "copy-context-before-install",
    level: "warning",
    message: "COPY of the whole context comes before `npm ci` (line 8): any file change re-runs the install",
    hint: "copy only the dependency manifests first, run the install, then COPY the rest of the sources",
  });
});

/** A validator for the SARIF 2.1.0 schema as an npm package ships it (JSON Schema draft-04). */
function sarifValidator() {
  const require = createRequire(import.meta.url);
  const schemaPath = require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");
  const schema = JSON.parse(readFileSync(schemaPath, "utf8")) as Record<string, unknown>;
  // A CommonJS module: under NodeNext its class is the `default` of the default import.
  const Ajv = AjvDraft04.default;
  // The published rtm.5 schema has one pattern (`language`) that is invalid with the `u` flag.
  const ajv = new Ajv({ allErrors: true, unicodeRegExp: false });
  // The schema's three formats, checked for real rather than ignored.
  ajv.addFormat("uri", (s: string) => URL.canParse(s));
  ajv.addFormat("uri-reference", (s: string) => URL.canParse(s, "file:///base/"));
  ajv.addFormat("date-time", (s: string) => !Number.isNaN(Date.parse(s)));
  return ajv.compile(schema);
}

interface SarifLog {
  version: string;
  runs: Array<{
    tool: { driver: { name: string; rules: Array<{ id: string; defaultConfiguration: { level: string } }> } };
    results: Array<{ ruleId: string; ruleIndex: number; level: string; message: { text: string }; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: Record<string, number> } }> }>;
  }>;
}

test("--format sarif is a valid SARIF 2.1.0 log with one result per finding", async () => {
  const run = await lint(["--format", "sarif", "fixtures/lint/warnings", "fixtures/lint/errors/Buildfile", "fixtures/lint/syntax/Buildfile"]);
  assert.equal(run.code, 2);
  const log = JSON.parse(run.stdout) as SarifLog;
  const validate = sarifValidator();
  assert.equal(validate(log), true, JSON.stringify(validate.errors, null, 2));
  assert.equal(log.version, "2.1.0");
  const [only] = log.runs;
  assert.equal(log.runs.length, 1);
  assert.equal(only!.tool.driver.name, "ebuild");
  assert.deepEqual(
    only!.results.map((r) => `${r.locations[0]!.physicalLocation.artifactLocation.uri}:${r.locations[0]!.physicalLocation.region.startLine} ${r.ruleId} ${r.level}`),
    [
      "fixtures/lint/warnings/Buildfile:6 copy-context-before-install warning",
      "fixtures/lint/warnings/Buildfile:7 apt-get-update-alone warning",
      "fixtures/lint/warnings/Buildfile:9 run-cd warning",
      "fixtures/lint/errors/Buildfile:5 secret-in-arg error",
      "fixtures/lint/errors/Buildfile:11 duplicate-image-name error",
      "fixtures/lint/syntax/Buildfile:5 syntax-error error",
    ],
  );
  for (const result of only!.results) {
    assert.equal(only!.tool.driver.rules[result.ruleIndex]!.id, result.ruleId, "ruleIndex points at the rule");
    assert.equal((result.locations[0]!.physicalLocation.artifactLocation as { uriBaseId?: string }).uriBaseId, "%SRCROOT%");
  }
});

test("the SARIF schema check rejects a log that breaks it", () => {
  const validate = sarifValidator();
  assert.equal(validate({ version: "2.1.0", runs: [{ tool: { driver: {} } }] }), false, "a driver needs a name");
  assert.equal(validate({ version: "2.0.0", runs: [] }), false, "only version 2.1.0");
});

test("--list-rules names every rule with its level", async () => {
  const { rules } = await import("../../src/lint/index.js");
  const run = await lint(["--list-rules"]);
  assert.equal(run.code, 0);
  const listed = run.stdout.trim().split("\n").map((l) => l.split(/\s+/).slice(0, 2).join(" "));
  assert.deepEqual(listed, rules.map((r) => `${r.id} ${r.level}`));
});
