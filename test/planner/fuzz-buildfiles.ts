/**
 * Generated and mutated Buildfiles for fuzzing the parser and planner without a daemon, and the
 * harness that runs one of them through parse + plan and sorts the result into "planned",
 * "rejected" (an EbuildError with a position) or a crash. Shared by test/planner/fuzz.test.ts (a few
 * thousand inputs) and bench/fuzz-plan.ts (100,000).
 */
import { parseOrThrow } from "../../src/cli/build/load.js";
import { EbuildError } from "../../src/errors.js";
import { plan } from "../../src/planner/assemble.js";
import type { Engine } from "../../src/planner/engine.js";
import { MemorySourceReader } from "../../src/planner/source.js";

/** mulberry32: a small seeded PRNG, so every run sees the same inputs. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)]!;
const int = (rng: Rng, max: number) => Math.floor(rng() * max);

const targetNames = ["build", "test", "image", "deps", "all", "lint", "a", "b"];
const functionNames = ["SETUP", "GREET", "INSTALL"];
const argNames = ["V", "NAME", "TARGETPLATFORM", "EARTHLY_TARGET", "X"];
const paths = ["src/", "src/main.go", "a.txt", "out/", "./", "/abs", "../up", "dir/*.txt", "$V.txt", "\"quoted path\""];
const images = ["ebuild-fixture/busybox:latest", "busybox", "alpine:3.19@sha256:" + "a".repeat(64), "$V", "+deps", "./sub+lib", "scratch", ":bad", "UPPER/Case"];
const platforms = ["linux/amd64", "linux/arm64/v8", "linux", "windows/amd64", "foo/bar/baz/qux", "$V", ""];

/** One statement inside a recipe (possibly a block that spans lines). */
function statement(rng: Rng, depth: number): string[] {
  const t = pick(rng, targetNames);
  const a = pick(rng, argNames);
  const p = pick(rng, paths);
  const choices: Array<() => string[]> = [
    () => [`FROM ${pick(rng, images)}`],
    () => [`FROM --platform=${pick(rng, platforms)} ${pick(rng, images)}`],
    () => [`RUN echo ${a} $${a} "\${${a}:-d}" > ${p}`],
    () => [`RUN ${pick(rng, ["--privileged", "--push", "--no-cache", "--secret TOKEN=tok", "--secret TOKEN", "--mount type=cache,target=/c", "--mount type=secret,id=x,target=/s", "--mount type=bogus", "--ssh", "--network=none"])} echo hi`],
    () => [`RUN ["echo", "${a}"]`],
    () => [`RUN echo $(echo nested ${a})`],
    () => [`COPY ${pick(rng, ["", "--dir ", "--if-exists ", "--keep-ts ", "--chmod=0755 ", "--platform=linux/arm64 "])}${p} ${pick(rng, paths)}`],
    () => [`COPY +${t}/${pick(rng, ["out", "a.txt", "*", ""])} ./`],
    () => [`COPY (+${t}/out --${a}=1) ./`],
    () => [`SAVE ARTIFACT ${p}${pick(rng, ["", " AS LOCAL " + pick(rng, paths), " out AS LOCAL out", " AS LOCAL"])}`],
    () => [`SAVE IMAGE ${pick(rng, ["", "--push ", "--insecure "])}${pick(rng, ["app:1", "my/app", "BAD NAME", "$V", "registry.local:5000/a:b"])}`],
    () => [`BUILD ${pick(rng, ["", "--platform=linux/amd64 ", "--platform=linux/arm64 --platform=linux/amd64 ", "--pass-args ", "--auto-skip "])}+${t}${pick(rng, ["", ` --${a}=x`, ` --${a}=x --${a}=y`])}`],
    () => [`BUILD ./sub+${t}`],
    () => [`ARG ${rng() < 0.8 ? "" : pick(rng, ["--required ", "--global "])}${a}${pick(rng, ["", "=1", "=$(echo v)", "=${V}"])}`],
    () => [`LET ${a}=${pick(rng, ["1", "$V", "\"two words\""])}`],
    () => [`SET ${a}=${pick(rng, ["2", "$X"])}`],
    () => [`ENV ${a}=${pick(rng, ["1", "$V"])}${rng() < 0.8 ? "" : pick(rng, [" B=2", " C"])}`],
    () => [`LABEL ${rng() < 0.8 ? "a=b" : pick(rng, ["\"k k\"=v", "=x", "a"])}`],
    () => [`WORKDIR ${p}`],
    () => [`USER ${pick(rng, ["root", "1000:1000", "$V"])}`],
    () => [`ENTRYPOINT ${pick(rng, ['["sh", "-c"]', "sh -c", '["unterminated'])}`],
    () => [`CMD ${pick(rng, ['["echo", "hi"]', "echo hi"])}`],
    () => [`EXPOSE ${pick(rng, ["80", "80/tcp", "abc", "70000"])}`],
    () => [`VOLUME ${pick(rng, ["/data", '["/a", "/b"]'])}`],
    () => [`DO ${pick(rng, ["+", "./sub+", ""])}${pick(rng, functionNames)}${pick(rng, ["", " --V=1"])}`],
    () => [`GIT CLONE ${pick(rng, ["--branch main ", ""])}https-ish/repo dir`],
    () => [`HEALTHCHECK ${pick(rng, ["NONE", "CMD echo ok", "--interval=5s CMD true", "--interval=bad CMD true"])}`],
    () => [`CACHE /c`, `HOST h 127.0.0.1`, `LOCALLY`][int(rng, 3)]!.split("\n"),
    () => (depth > 2 ? ["RUN true"] : [`IF ${pick(rng, ["[ -f x ]", "true", "$V"])}`, ...indent(statement(rng, depth + 1)), ...(rng() < 0.5 ? ["ELSE", ...indent(statement(rng, depth + 1))] : []), "END"]),
    () => (depth > 2 ? ["RUN true"] : [`FOR ${a} IN ${pick(rng, ["a b c", "$(ls)", "$V", ""])}`, ...indent(statement(rng, depth + 1)), "END"]),
    () => (depth > 2 ? ["RUN true"] : ["WAIT", ...indent(statement(rng, depth + 1)), "END"]),
    () => [`RUN echo a \\`, "    b \\", "    c"],
    () => [`# a comment with ${pick(rng, ["\"", "'", "$(", "\\"])}`],
  ];
  return pick(rng, choices)();
}

const indent = (lines: string[]) => lines.map((l) => `    ${l}`);

/** A structurally plausible Buildfile: a base recipe, a few targets and functions, references between them. */
export function generateBuildfile(rng: Rng): string {
  const lines: string[] = [];
  if (rng() < 0.9) lines.push(`VERSION ${rng() < 0.9 ? "0.8" : pick(rng, ["0.7", "--arg-scope-and-set 0.7", "1.0", "0.8.1"])}`);
  if (rng() < 0.3) lines.push(`IMPORT ./sub${rng() < 0.5 ? " AS lib" : ""}`);
  if (rng() < 0.8) lines.push("FROM ebuild-fixture/busybox:latest");
  // Statements of the base recipe sit before the first target, where only a few are valid.
  for (let i = rng() < 0.7 ? 0 : int(rng, 3); i > 0; i--) lines.push(statement(rng, 3)[0]!);
  const names = new Set<string>();
  for (let i = 1 + int(rng, 4); i > 0; i--) names.add(pick(rng, targetNames));
  for (const name of names) {
    lines.push("", `${name}:`);
    for (let j = 1 + int(rng, 6); j > 0; j--) lines.push(...indent(statement(rng, 0)));
  }
  if (rng() < 0.4) {
    lines.push("", `${pick(rng, functionNames)}:`, "    FUNCTION");
    for (let j = 1 + int(rng, 3); j > 0; j--) lines.push(...indent(statement(rng, 0)));
  }
  return lines.join("\n") + (rng() < 0.9 ? "\n" : "");
}

const noise = ["\"", "'", "(", ")", "{", "}", "$", "$(", "${", "\\", "\n", "\t", " ", "+", "/", ":", "=", "--", "#", "\u0000", "\u00e9", "\ufffd", "\r\n", "AS", "END", "\u200b"];

/** A small random edit: delete, insert, duplicate, swap, truncate, or re-indent. */
export function mutate(rng: Rng, text: string): string {
  const at = int(rng, text.length + 1);
  switch (int(rng, 7)) {
    case 0:
      return text.slice(0, at) + text.slice(at + 1 + int(rng, 8));
    case 1:
      return text.slice(0, at) + pick(rng, noise) + text.slice(at);
    case 2: {
      const lines = text.split("\n");
      const i = int(rng, lines.length);
      lines.splice(i, 0, lines[i] ?? "");
      return lines.join("\n");
    }
    case 3: {
      const lines = text.split("\n");
      const i = int(rng, lines.length);
      const j = int(rng, lines.length);
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      return lines.join("\n");
    }
    case 4:
      return text.slice(0, at);
    case 5: {
      const lines = text.split("\n");
      const i = int(rng, lines.length);
      lines[i] = pick(rng, ["", "  ", "\t", "        "]) + (lines[i] ?? "").trimStart();
      return lines.join("\n");
    }
    default:
      return text.slice(0, at) + text.slice(at, at + 40).repeat(2) + text.slice(at + 40);
  }
}

/** A generated Buildfile with 0–4 mutations, a sub-directory Buildfile, and the target to invoke. */
export function fuzzCase(rng: Rng): { files: Record<string, string>; entry: string } {
  let text = generateBuildfile(rng);
  // Half the cases stay as generated, so the planner (not only the parser) sees most of them.
  for (let i = rng() < 0.5 ? 0 : 1 + int(rng, 4); i > 0; i--) text = mutate(rng, text);
  const sub = "VERSION 0.8\nFROM ebuild-fixture/busybox:latest\nlib:\n    RUN echo lib > lib.txt\n    SAVE ARTIFACT lib.txt\nSETUP:\n    FUNCTION\n    RUN echo setup\n";
  const defined = [...text.matchAll(/^([a-z]+):$/gm)].map((m) => m[1]!);
  const entry = defined.length > 0 && rng() < 0.9 ? pick(rng, defined) : pick(rng, [...targetNames, "missing", "base"]);
  return { files: { "/repo/Buildfile": text, "/repo/sub/Buildfile": sub }, entry };
}

/** Answers without a daemon, the same way every time: conditions from the command's length. */
export const deterministicEngine: Engine = {
  async resolveImageConfig(ref) {
    return { config: { Env: ["PATH=/bin", `FROM=${ref.length}`], WorkingDir: "/", Cmd: ["sh"] } };
  },
  async shellOut(_place, command) {
    return `out-${command.length}`;
  },
  async evaluateCondition(_place, command) {
    return command.length % 2 === 0;
  },
};

export type FuzzOutcome = { kind: "planned" } | { kind: "rejected"; error: EbuildError } | { kind: "crash"; error: unknown };

/** Parses and plans one case; a crash is anything but a plan or an EbuildError that names a position. */
export async function runCase(c: { files: Record<string, string>; entry: string }): Promise<FuzzOutcome> {
  try {
    await plan({
      entry: { directory: "/repo", name: c.entry },
      platform: "linux/amd64",
      reader: new MemorySourceReader(c.files),
      parse: parseOrThrow,
      engine: deterministicEngine,
    });
    return { kind: "planned" };
  } catch (error) {
    if (error instanceof EbuildError && error.kind !== "internal") return { kind: "rejected", error };
    return { kind: "crash", error };
  }
}
