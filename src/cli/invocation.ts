import { EbuildError } from "../errors.js";

/** One target named on the command line, with the build args that follow it. */
export interface TargetInvocation {
  /** As written: `+build`, `./dir+build`, `host/org/repo/sub:ref+build`. */
  ref: string;
  /** `--NAME=value` / `--NAME value` after the target, in order; repeated names make a matrix. */
  args: Array<{ name: string; value: string }>;
}

// A target of this directory, of another one (./x, ../x, /x), or of a git repository (host/org/repo[/sub][:ref]).
const targetPattern = /^(?:\.{1,2}\/[^+]*|\/[^+]*|[A-Za-z0-9._-]+\/[^+\s]*|[A-Za-z0-9._-]*)?\+[a-z][A-Za-z0-9.-]*$/;
const argNamePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Splits the operands of `ebuild TARGET [--ARG=value ...] [TARGET ...]` into targets and their
 * build args. Flags of ebuild itself come before the first target and are parsed by commander.
 */
export function parseTargetOperands(operands: readonly string[]): TargetInvocation[] {
  const invocations: TargetInvocation[] = [];
  for (let i = 0; i < operands.length; i++) {
    const word = operands[i]!;
    if (word.startsWith("--")) {
      const current = invocations.at(-1);
      if (!current) {
        throw new EbuildError("usage", `build arg ${word} comes before any target`, {
          hint: "name the target first: ebuild +target --NAME=value",
        });
      }
      const body = word.slice(2);
      const eq = body.indexOf("=");
      let name: string;
      let value: string;
      if (eq >= 0) {
        name = body.slice(0, eq);
        value = body.slice(eq + 1);
      } else {
        name = body;
        const next = operands[i + 1];
        if (next === undefined || next.startsWith("--") || targetPattern.test(next)) {
          throw new EbuildError("usage", `build arg --${name} has no value`, { hint: `write --${name}=VALUE` });
        }
        value = next;
        i++;
      }
      if (!argNamePattern.test(name)) {
        throw new EbuildError("usage", `"${name}" is not a valid build arg name`, {
          hint: "names start with a letter or _ and contain letters, digits and _",
        });
      }
      current.args.push({ name, value });
      continue;
    }
    if (!targetPattern.test(word)) {
      throw new EbuildError("usage", `"${word}" is not a target reference`, {
        hint: "targets look like +build, ./dir+build, ../lib+test or github.com/org/repo:v1+build",
      });
    }
    invocations.push({ ref: word, args: [] });
  }
  return invocations;
}

/** `-s id[=value]`: without a value, the secret comes from the environment variable of that name. */
export function parseSecretFlag(spec: string, env: NodeJS.ProcessEnv): { id: string; value: string } {
  const eq = spec.indexOf("=");
  const id = eq >= 0 ? spec.slice(0, eq) : spec;
  if (!/^[A-Za-z0-9_.+-]+$/.test(id)) {
    throw new EbuildError("usage", `"${id}" is not a valid secret id`, { hint: "use letters, digits, _ . + -" });
  }
  if (eq >= 0) return { id, value: spec.slice(eq + 1) };
  const value = env[id];
  if (value === undefined) {
    throw new EbuildError("usage", `secret ${id} has no value and no environment variable ${id} is set`, {
      hint: `pass --secret ${id}=VALUE, export ${id}, or use --secret-file ${id}=PATH`,
    });
  }
  return { id, value };
}

/** `--secret-file id=path`. */
export function parseSecretFileFlag(spec: string): { id: string; path: string } {
  const eq = spec.indexOf("=");
  if (eq <= 0 || eq === spec.length - 1) {
    throw new EbuildError("usage", `--secret-file ${spec}: expected ID=PATH`);
  }
  return { id: spec.slice(0, eq), path: spec.slice(eq + 1) };
}
