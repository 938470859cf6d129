/**
 * The bad input catalogue: broken Buildfiles and command lines, each run through the real `ebuild`
 * process on its own temporary project. Each case must say what is wrong (with file:line:column
 * where the problem is in a file), exit with the documented code, write nothing into the project,
 * and print no stack trace.
 */
import assert from "node:assert/strict";
import { mkdir, readdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, test } from "node:test";
import { ebuild, project } from "../support/cli.js";

const header = "VERSION 0.8\nFROM ebuild-fixture/busybox:latest\n";

interface Case {
  name: string;
  /** The Buildfile's text (a header is NOT added), or bytes. */
  buildfile?: string | Uint8Array;
  /** Other files of the project. */
  files?: Record<string, string>;
  /** Prepares the project beyond plain files (a directory as Buildfile, and so on). */
  prepare?: (dir: string) => Promise<void>;
  args: string[];
  code: number;
  /** What the message must say. */
  says: RegExp;
  /** `Buildfile:LINE:COL` the message must point at, when the problem is in a file. */
  at?: string;
  todo?: string;
}

const t = (body: string) => `${header}t:\n${body}`;

const cases: Case[] = [
  // Syntax errors of every kind.
  { name: "an unknown command", buildfile: t("    RUNN echo\n"), args: ["+t"], code: 2, says: /unknown command RUNN/, at: "Buildfile:4:5" },
  { name: "a lower-case command", buildfile: t("    run echo\n"), args: ["+t"], code: 2, says: /unknown command run/, at: "Buildfile:4:5" },
  { name: "an unterminated double quote", buildfile: t('    RUN echo "abc\n'), args: ["+t"], code: 2, says: /unterminated string/, at: "Buildfile:4:" },
  { name: "an unterminated $(", buildfile: t("    RUN echo $(ls\n"), args: ["+t"], code: 2, says: /unterminated \$\(/, at: "Buildfile:4:" },
  { name: "an IF without END", buildfile: t("    IF true\n        RUN echo\n"), args: ["+t"], code: 2, says: /missing END: the IF block is still open/, at: "Buildfile:6:1" },
  { name: "an END without a block", buildfile: t("    RUN echo\n    END\n"), args: ["+t"], code: 2, says: /END without a block/, at: "Buildfile:5:5" },
  { name: "an ELSE without IF", buildfile: t("    ELSE\n    RUN echo\n"), args: ["+t"], code: 2, says: /ELSE/, at: "Buildfile:4:5" },
  { name: "a FOR without IN list", buildfile: t("    FOR X IN\n        RUN echo\n    END\n"), args: ["+t"], code: 2, says: /FOR needs a list after IN/, at: "Buildfile:4:" },
  { name: "a recipe line that is not indented", buildfile: `${header}t:\nRUN echo\n`, args: ["+t"], code: 2, says: /must be indented|not indented|unknown/, at: "Buildfile:4:" },
  { name: "an indented command before the first target", buildfile: `${header}    RUN echo\nt:\n    RUN echo\n`, args: ["+t"], code: 2, says: /indented/, at: "Buildfile:3:" },
  { name: "VERSION after other commands", buildfile: `FROM ebuild-fixture/busybox:latest\nVERSION 0.8\nt:\n    RUN echo\n`, args: ["+t"], code: 2, says: /VERSION must be the first command/, at: "Buildfile:2:1" },
  { name: "an unknown VERSION", buildfile: `VERSION 9.9\nt:\n    RUN echo\n`, args: ["+t"], code: 2, says: /unknown VERSION 9\.9/, at: "Buildfile:1:" },
  { name: "a target defined twice", buildfile: `${header}t:\n    RUN echo 1\nt:\n    RUN echo 2\n`, args: ["+t"], code: 2, says: /t.*(twice|already|duplicate)|(twice|already|duplicate).*t/i, at: "Buildfile:5:1" },
  { name: "a target name with invalid characters", buildfile: `${header}my target:\n    RUN echo\n`, args: ["+t"], code: 2, says: /./, at: "Buildfile:3:" },
  { name: "FUNCTION that is not the first line of a function", buildfile: `${header}t:\n    RUN echo\n    FUNCTION\n`, args: ["+t"], code: 2, says: /FUNCTION/, at: "Buildfile:5:5" },
  // Unknown flags and wrong argument counts.
  { name: "an unknown RUN flag", buildfile: t("    RUN --bogus echo hi\n"), args: ["+t"], code: 2, says: /--bogus/, at: "Buildfile:4:" },
  { name: "an unknown COPY flag", buildfile: t("    COPY --nope a b\n"), args: ["+t"], code: 2, says: /--nope/, at: "Buildfile:4:" },
  { name: "an unknown FROM DOCKERFILE flag", buildfile: t("    FROM DOCKERFILE --bogus .\n"), args: ["+t"], code: 2, says: /--bogus/, at: "Buildfile:4:" },
  // FROM DOCKERFILE and LOCALLY.
  { name: "FROM DOCKERFILE without a Dockerfile", buildfile: t("    FROM DOCKERFILE .\n"), args: ["+t"], code: 2, says: /FROM DOCKERFILE: there is no Dockerfile at Dockerfile/, at: "Buildfile:4:21" },
  { name: "FROM DOCKERFILE -f to a missing file", buildfile: t("    FROM DOCKERFILE -f docker/Dockerfile .\n"), files: { Dockerfile: "FROM scratch\n" }, args: ["+t"], code: 2, says: /no Dockerfile at docker\/Dockerfile/, at: "Buildfile:4:24" },
  { name: "FROM DOCKERFILE with a context outside the project", buildfile: t("    FROM DOCKERFILE ..\n"), args: ["+t"], code: 2, says: /outside the Buildfile's directory/, at: "Buildfile:4:21" },
  { name: "COPY in a LOCALLY target", buildfile: t("    LOCALLY\n    COPY a.txt b.txt\n"), files: { "a.txt": "a" }, args: ["+t"], code: 2, says: /COPY is not allowed in a LOCALLY target/, at: "Buildfile:5:5" },
  { name: "SAVE IMAGE in a LOCALLY target", buildfile: t("    LOCALLY\n    SAVE IMAGE x:1\n"), args: ["+t"], code: 2, says: /SAVE IMAGE is not allowed in a LOCALLY target/, at: "Buildfile:5:5" },
  { name: "FROM of a LOCALLY target", buildfile: `${header}t:\n    FROM +l\nl:\n    LOCALLY\n`, args: ["+t"], code: 2, says: /a LOCALLY target has no image to start from/, at: "Buildfile:4:5" },
  { name: "an unknown SAVE IMAGE flag", buildfile: t("    SAVE IMAGE --shove app:1\n"), args: ["+t"], code: 2, says: /--shove/, at: "Buildfile:4:" },
  { name: "COPY with only a source", buildfile: t("    COPY a.txt\n"), args: ["+t"], code: 2, says: /COPY needs a source and a destination/, at: "Buildfile:4:5" },
  { name: "FROM with no image", buildfile: t("    FROM\n"), args: ["+t"], code: 2, says: /FROM needs an image/, at: "Buildfile:4:5" },
  { name: "RUN with no command", buildfile: t("    RUN\n"), args: ["+t"], code: 2, says: /RUN needs a command/, at: "Buildfile:4:5" },
  { name: "SAVE with neither ARTIFACT nor IMAGE", buildfile: t("    SAVE out\n"), args: ["+t"], code: 2, says: /SAVE needs ARTIFACT or IMAGE/, at: "Buildfile:4:" },
  { name: "SAVE ARTIFACT … AS LOCAL without a path", buildfile: t("    SAVE ARTIFACT out AS LOCAL\n"), args: ["+t"], code: 2, says: /SAVE needs a path after AS LOCAL/, at: "Buildfile:4:" },
  { name: "ARG with no name", buildfile: t("    ARG\n"), args: ["+t"], code: 2, says: /ARG/, at: "Buildfile:4:5" },
  { name: "LABEL without a value", buildfile: t("    LABEL a\n"), args: ["+t"], code: 2, says: /LABEL a needs a value/, at: "Buildfile:4:" },
  { name: "EXPOSE of something that is not a port", buildfile: t("    EXPOSE abc\n"), args: ["+t"], code: 2, says: /EXPOSE abc is not a port/, at: "Buildfile:4:" },
  { name: "HEALTHCHECK with a bad duration", buildfile: t("    HEALTHCHECK --interval=bad CMD true\n"), args: ["+t"], code: 2, says: /"bad" is not a duration/, at: "Buildfile:4:" },
  // Undefined targets, functions and artifacts.
  { name: "an unknown target on the command line", buildfile: t("    RUN echo\n"), args: ["+nope"], code: 2, says: /has no target nope/ },
  { name: "BUILD of an unknown target", buildfile: t("    BUILD +nope\n"), args: ["+t"], code: 2, says: /no target nope/, at: "Buildfile:4:" },
  { name: "FROM an unknown target", buildfile: t("    FROM +nope\n"), args: ["+t"], code: 2, says: /no target nope/, at: "Buildfile:4:" },
  { name: "COPY from an unknown target", buildfile: t("    COPY +nope/file ./\n"), args: ["+t"], code: 2, says: /no target nope/, at: "Buildfile:4:" },
  { name: "DO of an unknown function", buildfile: t("    DO +NOFN\n"), args: ["+t"], code: 2, says: /NOFN/, at: "Buildfile:4:" },
  { name: "DO of a target that is not a function", buildfile: `${header}u:\n    RUN echo\nt:\n    DO +u\n`, args: ["+t"], code: 2, says: /u/, at: "Buildfile:6:" },
  { name: "BUILD in a directory with no Buildfile", buildfile: t("    BUILD ./missing+x\n"), args: ["+t"], code: 2, says: /no Buildfile or Earthfile in/, at: "Buildfile:4:" },
  { name: "IMPORT of a directory with no Buildfile", buildfile: `VERSION 0.8\nIMPORT ./missing AS lib\nFROM ebuild-fixture/busybox:latest\nt:\n    BUILD lib+x\n`, args: ["+t"], code: 2, says: /missing/, at: "Buildfile:" },
  { name: "a command-line target in a directory with no Buildfile", buildfile: t("    RUN echo\n"), args: ["./nowhere+t"], code: 2, says: /nowhere/ },
  // ARG misuse.
  { name: "a required ARG that is not given", buildfile: t("    ARG --required NAME\n    RUN echo $NAME\n"), args: ["+t"], code: 2, says: /NAME/, at: "Buildfile:4:" },
  { name: "a required ARG with a default", buildfile: t("    ARG --required NAME=x\n"), args: ["+t"], code: 2, says: /--required cannot have a default/, at: "Buildfile:4:" },
  { name: "an ARG declared twice in one target", buildfile: t("    ARG V=1\n    ARG V=2\n"), args: ["+t"], code: 2, says: /V/, at: "Buildfile:5:" },
  { name: "SET on an ARG", buildfile: t("    ARG V=1\n    SET V=2\n"), args: ["+t"], code: 2, says: /SET V/, at: "Buildfile:5:" },
  { name: "SET with no LET before it", buildfile: t("    SET V=2\n"), args: ["+t"], code: 2, says: /SET V: no LET V before it/, at: "Buildfile:4:" },
  { name: "a builtin ARG overridden in the Buildfile", buildfile: t("    ARG TARGETPLATFORM=linux/s390x\n"), args: ["+t"], code: 2, says: /TARGETPLATFORM/, at: "Buildfile:4:" },
  { name: "a builtin ARG overridden on the command line", buildfile: t("    ARG V=1\n    RUN echo $V\n"), args: ["+t", "--TARGETPLATFORM=linux/s390x"], code: 2, says: /TARGETPLATFORM/ },
  { name: "a builtin ARG overridden by BUILD", buildfile: `${header}u:\n    RUN echo\nt:\n    BUILD +u --EBUILD_TARGET=x\n`, args: ["+t"], code: 2, says: /EBUILD_TARGET is a builtin arg/, at: "Buildfile:6:" },
  { name: "a malformed build arg on the command line", buildfile: t("    RUN echo\n"), args: ["+t", "--=x"], code: 2, says: /--=x|name/ },
  // Cycles.
  { name: "a BUILD cycle", buildfile: `${header}a:\n    BUILD +b\nb:\n    BUILD +a\n`, args: ["+a"], code: 2, says: /BUILD cycle: \+a → \+b → \+a/, at: "Buildfile:6:5" },
  { name: "a FROM cycle", buildfile: `${header}a:\n    FROM +b\nb:\n    FROM +a\n`, args: ["+a"], code: 2, says: /target cycle: \+a → \+b → \+a/, at: "Buildfile:6:5" },
  { name: "a COPY cycle", buildfile: `${header}a:\n    COPY +b/x ./\n    SAVE ARTIFACT x\nb:\n    COPY +a/x ./\n    SAVE ARTIFACT x\n`, args: ["+a"], code: 2, says: /target cycle: \+a → \+b → \+a/, at: "Buildfile:7:10" },
  { name: "one image name saved twice for the same platform", buildfile: `${header}t:\n    SAVE IMAGE app:1\n    BUILD +u\nu:\n    SAVE IMAGE app:1\n`, args: ["+t"], code: 2, says: /image app:1 is saved twice for linux\/\w+ \(first at Buildfile:4\)/, at: "Buildfile:7:5" },
  { name: "a function that calls itself with DO", buildfile: `${header}F:\n    FUNCTION\n    DO +F\nt:\n    DO +F\n`, args: ["+t"], code: 2, says: /cycle|loop|itself|recurs/i, at: "Buildfile:" },
  { name: "a target that builds itself", buildfile: `${header}t:\n    BUILD +t\n`, args: ["+t"], code: 2, says: /cycle|loop|itself/i, at: "Buildfile:4:" },
  // Platforms.
  { name: "a nonsense --platform on the command line", buildfile: t("    RUN echo\n"), args: ["--platform", "foo/bar/baz/qux", "+t"], code: 2, says: /platform/ },
  { name: "FROM --platform with too many parts", buildfile: t("    FROM --platform=foo/bar/baz/qux ebuild-fixture/busybox:latest\n"), args: ["+t"], code: 2, says: /invalid platform/, at: "Buildfile:4:" },
  { name: "FROM --platform with an empty value", buildfile: t("    FROM --platform= ebuild-fixture/busybox:latest\n"), args: ["+t"], code: 2, says: /platform/, at: "Buildfile:4:" },
  { name: "BUILD --platform with too many parts", buildfile: `${header}u:\n    RUN echo\nt:\n    BUILD --platform=a/b/c/d +u\n`, args: ["+t"], code: 2, says: /BUILD --platform=a\/b\/c\/d: invalid platform/, at: "Buildfile:6:5" },
  { name: "FROM --platform with an empty value before a target", buildfile: `${header}u:\n    RUN echo\nt:\n    FROM --platform= +u\n`, args: ["+t"], code: 2, says: /FROM --platform=: invalid platform/, at: "Buildfile:6:5" },
  { name: "FROM an invalid image reference", buildfile: t("    FROM :bad\n"), args: ["+t"], code: 2, says: /invalid image reference/, at: "Buildfile:4:" },
  { name: "GIT CLONE of a URL that does not parse", buildfile: t("    GIT CLONE htt:ps-ish/repo dir\n"), args: ["+t"], code: 2, says: /invalid git URL "htt:ps-ish\/repo"/, at: "Buildfile:4:5" },
  // Bad --secret and --mount specs.
  { name: "RUN --mount of an unknown type", buildfile: t("    RUN --mount type=bogus,target=/x echo\n"), args: ["+t"], code: 2, says: /bogus/, at: "Buildfile:4:" },
  { name: "RUN with two mounts at one target", buildfile: t("    RUN --mount type=cache,target=/c --mount type=tmpfs,target=/c echo\n"), args: ["+t"], code: 2, says: /RUN mounts \/c twice/, at: "Buildfile:4:5" },
  { name: "RUN --mount type=cache without a target", buildfile: t("    RUN --mount type=cache echo\n"), args: ["+t"], code: 2, says: /target/, at: "Buildfile:4:" },
  { name: "RUN --secret with an empty name", buildfile: t("    RUN --secret =x echo\n"), args: ["+t"], code: 2, says: /--secret =x has an empty variable name/, at: "Buildfile:4:18" },
  { name: "a RUN secret that was not passed", buildfile: t("    RUN --secret TOKEN=token echo\n"), args: ["+t"], code: 2, says: /--secret token=VALUE/ },
  { name: "--secret-file of a missing file", buildfile: t("    RUN echo\n"), args: ["--secret-file", "token=/nonexistent/secret", "+t"], code: 2, says: /nonexistent/ },
  { name: "--secret-file without a path", buildfile: t("    RUN echo\n"), args: ["--secret-file", "token", "+t"], code: 2, says: /secret-file|id=path/ },
  { name: "--secret with an empty id", buildfile: t("    RUN echo\n"), args: ["-s", "=x", "+t"], code: 2, says: /secret/ },
  // Missing context files.
  { name: "COPY of a file missing from the context", buildfile: t("    COPY missing.txt ./\n"), args: ["+t"], code: 1, says: /missing\.txt/ },
  // Files that are not Buildfiles.
  { name: "an empty Buildfile", buildfile: "", args: ["+t"], code: 2, says: /has no target t/ },
  { name: "a binary Buildfile", buildfile: new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0xff, 0xfe, 0x0a, 0x00, 0x13, 0x37]), args: ["+t"], code: 2, says: /Buildfile/ },
  { name: "a Buildfile that is a directory", prepare: (dir) => mkdir(join(dir, "Buildfile")), args: ["+t"], code: 2, says: /is a directory/ },
  { name: "no Buildfile at all", args: ["+t"], code: 2, says: /no Buildfile or Earthfile/ },
  { name: "non-UTF-8 bytes in a command", buildfile: Buffer.concat([Buffer.from(`${header}t:\n    RUNN caf`), Buffer.from([0xe9, 0xff]), Buffer.from("\n")]), args: ["+t"], code: 2, says: /unknown command RUNN/, at: "Buildfile:4:5" },
  { name: "a 200 kB line with an error", buildfile: t(`    RUNN ${"x".repeat(200_000)}\n`), args: ["+t"], code: 2, says: /unknown command RUNN/, at: "Buildfile:4:5" },
  // The command line.
  { name: "an unknown CLI flag", buildfile: t("    RUN echo\n"), args: ["--bogus", "+t"], code: 2, says: /--bogus/ },
  { name: "an unknown --progress mode", buildfile: t("    RUN echo\n"), args: ["--progress", "fancy", "+t"], code: 2, says: /fancy/ },
  { name: "a target without +", buildfile: t("    RUN echo\n"), args: ["t"], code: 2, says: /\+t|target/ },
  { name: "a daemon address where nothing listens", buildfile: t("    RUN echo\n"), args: ["--buildkit-host", "unix:///nonexistent/buildkitd.sock", "+t"], code: 6, says: /nonexistent\/buildkitd\.sock/ },
  { name: "a daemon address with an unknown scheme", buildfile: t("    RUN echo\n"), args: ["--buildkit-host", "ftp://127.0.0.1:1", "+t"], code: 2, says: /ftp/ },
  { name: "-C to a missing directory", args: ["-C", "/nonexistent/project", "+t"], code: 2, says: /nonexistent/ },
];

/** Every file and directory under `dir`, with sizes, so a case can prove it wrote nothing. */
async function listing(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  const lines = await Promise.all(entries.map(async (e) => `${e} ${(await stat(join(dir, e))).size}`));
  return lines.sort();
}

describe(`bad input catalogue (${cases.length} cases)`, { concurrency: 3 }, () => {
  for (const c of cases) {
    test(`${c.name}: exit ${c.code} with a clear message${c.at ? " and position" : ""}, nothing written`, { todo: c.todo }, async () => {
      const dir = await project(c.files ?? {});
      if (c.buildfile !== undefined) await writeFile(join(dir, "Buildfile"), c.buildfile);
      await c.prepare?.(dir);
      const before = await listing(dir);
      const run = await ebuild(["--progress", "plain", ...c.args], { cwd: dir });
      const said = run.stderr + run.stdout;
      const shown = `exit ${run.code}\n${said.slice(0, 3000)}`;
      assert.equal(run.code, c.code, shown);
      assert.match(said, c.says, shown);
      if (c.at) assert.ok(said.includes(`${join(dir, c.at).replace(/^\/private/, "")}`) || said.includes(c.at), `expected a position ${c.at}\n${shown}`);
      assert.doesNotMatch(said, /^\s+at .+[(:]\d+/m, `a stack trace was printed\n${shown}`);
      assert.ok(said.length < 20_000, `the message is ${said.length} characters long`);
      assert.deepEqual(await listing(dir), before, "the project changed");
    });
  }
});

test("--debug adds the stack trace that is otherwise hidden", async () => {
  const dir = await project({});
  await mkdir(join(dir, "Buildfile"));
  const run = await ebuild(["--debug", "--progress", "plain", "+t"], { cwd: dir });
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /is a directory/);
  assert.match(run.stderr, /^\s+at .+[(:]\d+/m, "with --debug the stack is printed");
});
