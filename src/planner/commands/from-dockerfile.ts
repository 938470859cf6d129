/**
 * FROM DOCKERFILE: the Dockerfile is converted by BuildKit's own Dockerfile frontend (through the
 * Engine), and the target continues from the stage it built, with that stage's image config. The
 * frontend's LLB is imported op by op, so the target's Definition holds the Dockerfile's steps and
 * the rest of the recipe builds on them like on any FROM.
 *
 * Why import the LLB rather than keep a frontend result: a gateway result lives only as long as
 * the bridge build that solved it, while a Plan's outputs are solved later, each in its own build
 * and session. Docker 26's BuildKit returns the result's Definition with the ref (pb.Ref.def), as
 * buildx and Earthly rely on to turn results back into states.
 */
import { EbuildError, type SourcePosition } from "../../errors.js";
import type { Word } from "../../parser/ast.js";
import { copyConfig, type TargetBuild } from "../build-state.js";
import type { BuiltDockerfile, DockerfileBuild, Engine } from "../engine.js";
import { positionOf } from "../expansion.js";
import { copy, definitionNeeds, fromDefinition, parsePlatform, scratch, type DefinitionNeeds, type ImportedSource, type SourceLocation, type State } from "../llb/index.js";
import { baseName, directoryOf, joinPath, normalizePath, relativePath, staysInside } from "../paths.js";
import type { SourceReader } from "../source.js";
import { looksLikeReference } from "../reference.js";
import { applyImageConfig } from "./from.js";

/** A `+t/path` of FROM DOCKERFILE, planned: the target's artifact namespace and the path in it. */
export interface ArtifactSource {
  artifacts: State;
  path: string;
}

/** The words of a FROM DOCKERFILE (expanded) and how to reach what they name. */
export interface DockerfileWords {
  context: { text: string; word: Word };
  file?: { text: string; word: Word };
  /** The Buildfile's directory: host paths are relative to it and may not leave it. */
  directory: string;
  reader: SourceReader;
  /** Plans the target of an artifact reference (`+t/path`). */
  artifactsOf(text: string, word: Word): Promise<ArtifactSource>;
  /** Registers a host context directory with the plan; returns its `local` name. */
  contextName(directory: string): string;
}

/**
 * Where the context and the Dockerfile come from. Host paths must exist (a missing one is an
 * error at its word); artifacts follow Earthly: `+t/dir` puts the directory itself in the context,
 * `+t/dir/*` its entries, and the Dockerfile defaults to `Dockerfile` in the context (for `+t/dir`,
 * `dir/Dockerfile` of the target's artifacts).
 */
export async function resolveDockerfileInputs(
  words: DockerfileWords,
  rest: Omit<DockerfileBuild, "context" | "dockerfile">,
): Promise<{ build: DockerfileBuild; contextName: DockerfileContextName | undefined }> {
  const hostPath = (text: string, word: Word, what: string): string => {
    if (!staysInside(text)) {
      throw new EbuildError("semantic", `FROM DOCKERFILE: the ${what} ${text} is outside the Buildfile's directory`, {
        at: positionOf(word.range),
        hint: "build it from a target in that directory (FROM DOCKERFILE ../dir+target/path)",
      });
    }
    return joinPath(words.directory, text);
  };
  let context: DockerfileBuild["context"];
  let dockerfile: DockerfileBuild["dockerfile"];
  let contextName: DockerfileContextName | undefined;
  const { text: contextText, word: contextWord } = words.context;
  if (looksLikeReference(contextText)) {
    const { artifacts, path } = await words.artifactsOf(contextText, contextWord);
    const state = scratch().file(copy(artifacts, `/${path}`, "/", { allowWildcard: true, createDestPath: true, copyDirContentsOnly: false }), {
      description: `FROM DOCKERFILE (build context) ${contextText}`,
    });
    context = { kind: "state", state };
    dockerfile = /[*?[]/.test(path) ? { kind: "state", state, filename: "Dockerfile" } : { kind: "state", state: artifacts, filename: normalizePath(`${path}/Dockerfile`) };
  } else {
    const directory = hostPath(contextText, contextWord, "build context");
    if (!(await words.reader.exists(directory))) {
      throw new EbuildError("semantic", `FROM DOCKERFILE: the build context ${contextText} does not exist`, { at: positionOf(contextWord.range) });
    }
    context = { kind: "directory", directory };
    dockerfile = { kind: "directory", directory, filename: "Dockerfile" };
    contextName = { name: words.contextName(directory), excludes: [".ebuild-staging-*"] };
  }
  if (words.file !== undefined) {
    const { text, word } = words.file;
    if (looksLikeReference(text)) {
      const { artifacts, path } = await words.artifactsOf(text, word);
      dockerfile = { kind: "state", state: artifacts, filename: normalizePath(path) };
    } else {
      const path = hostPath(text, word, "Dockerfile");
      dockerfile = { kind: "directory", directory: directoryOf(path), filename: baseName(path) };
    }
  }
  if (dockerfile.kind === "directory") {
    const path = joinPath(dockerfile.directory, dockerfile.filename);
    if (!(await words.reader.exists(path))) {
      throw new EbuildError("semantic", `FROM DOCKERFILE: there is no Dockerfile at ${relativePath(words.directory, path)}`, {
        at: positionOf((words.file ?? words.context).word.range),
        hint: "name it with -f path/to/Dockerfile",
      });
    }
  }
  return { build: { ...rest, context, dockerfile }, contextName };
}

/** The build context's upload, as the frontend plans it: renamed to the plan's own context name. */
export interface DockerfileContextName {
  /** The `local` source name the executor's sessions serve the context directory under. */
  name: string;
  /** Patterns never uploaded (the executor's staging folders). */
  excludes: readonly string[];
}

/** How a FROM DOCKERFILE line is planned: where it is and whether it allows privileged steps. */
export interface DockerfileStatement {
  at: SourcePosition;
  /** `--allow-privileged`: the Dockerfile may run privileged or host-network steps (with ebuild -P). */
  allowPrivileged: boolean;
  /** The statement in the source map: the Dockerfile's steps report their failures at it. */
  location?: SourceLocation;
}

/**
 * Runs the frontend and sets the build's state and config from its result. `contextName` is given
 * when the context is a host directory. Returns the entitlements and secrets its steps need: a
 * `RUN --security=insecure` or `--network=host` needs the statement's --allow-privileged.
 */
export async function planFromDockerfile(
  build: TargetBuild,
  request: DockerfileBuild,
  engine: Engine | undefined,
  contextName: DockerfileContextName | undefined,
  statement: DockerfileStatement,
): Promise<DefinitionNeeds> {
  const { at } = statement;
  try {
    parsePlatform(request.platform);
  } catch (error) {
    throw new EbuildError("semantic", `FROM DOCKERFILE --platform=${request.platform}: ${(error as Error).message}`, { at, hint: "write os/arch or os/arch/variant, e.g. linux/amd64" });
  }
  if (engine?.buildDockerfile === undefined) {
    throw new EbuildError("semantic", "FROM DOCKERFILE needs the BuildKit daemon to read the Dockerfile", { at, hint: "start the daemon (scripts/buildkit-up) and plan again" });
  }
  let built: BuiltDockerfile;
  try {
    built = await engine.buildDockerfile(request);
  } catch (error) {
    if (error instanceof EbuildError && (error.kind === "cancelled" || error.kind === "unreachable")) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new EbuildError("build", `FROM DOCKERFILE: the Dockerfile frontend failed: ${message}`, { at, cause: error, hint: frontendHint(message) });
  }
  const needs = definitionNeeds(built.definition);
  if (needs.entitlements.length > 0 && !statement.allowPrivileged) {
    throw new EbuildError("privileged", `FROM DOCKERFILE: the Dockerfile needs ${needs.entitlements.join(" and ")} (RUN --security=insecure or --network=host)`, {
      at,
      hint: "add --allow-privileged to FROM DOCKERFILE and run ebuild -P if you trust this Dockerfile",
    });
  }
  const state = fromDefinition(built.definition, {
    ...(contextName === undefined ? {} : { rewriteSource: (s: ImportedSource) => renameUpload(s, contextName) }),
    ...(statement.location === undefined ? {} : { location: statement.location }),
  });
  const config = copyConfig(built.config);
  build.state = applyImageConfig(state.platform(parsePlatform(request.platform)), config);
  build.config = config;
  return needs;
}

/** The hint for a frontend failure: `RUN --security` is a labs flag, which built-in frontends lack. */
function frontendHint(message: string): string {
  if (/unknown flag: security/.test(message)) {
    return "RUN --security is a Dockerfile labs feature that this daemon's built-in Dockerfile frontend does not have";
  }
  return "check the Dockerfile, its --target and its build args";
}

/**
 * The frontend uploads a host context as `local://context` through the session that asked it
 * (`local.session`), which is closed by the time the plan runs. Our own `local` sources never name
 * a session, so those that do are the frontend's: they get the plan's name for the directory and
 * no session, so each executing build's own session serves them.
 */
export function renameUpload(source: ImportedSource, context: DockerfileContextName): ImportedSource {
  if (source.identifier !== "local://context" || source.attrs["local.session"] === undefined) return source;
  const attrs = { ...source.attrs };
  delete attrs["local.session"];
  attrs["local.unique"] = context.name;
  attrs["local.sharedkeyhint"] = context.name;
  const excludes = attrs["local.excludepatterns"] === undefined ? [] : (JSON.parse(attrs["local.excludepatterns"]) as string[]);
  attrs["local.excludepatterns"] = JSON.stringify([...excludes, ...context.excludes]);
  return { identifier: `local://${context.name}`, attrs };
}
