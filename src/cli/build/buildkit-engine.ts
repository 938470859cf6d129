/**
 * What planning asks of a running daemon, answered by BuildKit: base image configurations, the
 * output of `$(...)` and the outcome of IF/FOR conditions, each run in the build state of the
 * statement that asks, and the Buildfiles of git checkouts (remote references). Everything goes through one bridge build held open while planning: the
 * command runs with a scratch directory mounted for its output, and the output is read back with
 * ReadFile, so nothing is exported and nothing touches the image being built.
 */
import type { BuildkitClient } from "../../buildkit/client.js";
import { GatewayBuild, imageConfigMetadataKey } from "../../buildkit/gateway.js";
import type { ImageConfig } from "../../buildkit/image-config.js";
import type { CredentialSource } from "../../buildkit/session/index.js";
import { EbuildError } from "../../errors.js";
import type { BuiltDockerfile, DockerfileBuild } from "../../planner/engine.js";
import { formatPlatform, marshal, parsePlatform, scratch, State } from "../../planner/llb/index.js";
import { openBuildSession } from "./build-session.js";
import { withoutCache } from "./no-cache.js";
import type { PlannedImageConfig } from "../../planner/plan.js";
import { checkoutState, type GitCheckout } from "../../planner/remote.js";

/** Where a shell-out or condition runs (the planner's BuildPlace). */
export interface EnginePlace {
  target: string;
  platform: string;
  environment: ReadonlyArray<readonly [string, string]>;
  state?: unknown;
}

const outputDir = "/run/ebuild-engine";

/** The parts of an image's configuration the planner carries (and SAVE IMAGE writes). */
function plannedConfig(config: NonNullable<ImageConfig["config"]>): PlannedImageConfig {
  return {
    ...(config.Env ? { Env: config.Env } : {}),
    ...(config.Cmd ? { Cmd: config.Cmd } : {}),
    ...(config.Entrypoint ? { Entrypoint: config.Entrypoint } : {}),
    ...(config.WorkingDir ? { WorkingDir: config.WorkingDir } : {}),
    ...(config.User ? { User: config.User } : {}),
    ...(config.Labels ? { Labels: config.Labels } : {}),
    ...(config.ExposedPorts ? { ExposedPorts: config.ExposedPorts as Record<string, Record<string, never>> } : {}),
    ...(config.Volumes ? { Volumes: config.Volumes as Record<string, Record<string, never>> } : {}),
    ...(config.StopSignal ? { StopSignal: config.StopSignal } : {}),
  };
}

/** POSIX single-quoting for one word. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export class BuildkitEngine {
  private bridge: GatewayBuild | undefined;
  /** Each checkout is solved once per run; its result ref serves every file read from it. */
  private readonly checkouts = new Map<string, Promise<string>>();

  constructor(
    private readonly client: BuildkitClient,
    private readonly sessionId: string,
    private readonly signal?: AbortSignal,
    private readonly options: {
      /** --no-cache: `$(...)`, IF and FOR commands run again too. */
      noCache?: boolean;
      /** Registry auth for the images the Dockerfile frontend resolves (its FROMs). */
      credentials?: CredentialSource;
    } = {},
  ) {}

  async resolveImageConfig(ref: string, platform: string): Promise<{ digest?: string; config: PlannedImageConfig }> {
    const resolved = await this.open().resolveImageConfig({ ref, platform: parsePlatform(platform), logName: `[internal] load metadata for ${ref}`, signal: this.signal });
    return { digest: resolved.digest || undefined, config: plannedConfig(resolved.config.config ?? {}) };
  }

  /**
   * FROM DOCKERFILE: runs BuildKit's Dockerfile frontend in a bridge build of its own, with a
   * session that serves the context directory as `context` and the Dockerfile's as `dockerfile`
   * (the names the frontend asks for), or passes planned states as the frontend inputs of those
   * names. Nothing is built: the answer is the stage's LLB and image config.
   */
  async buildDockerfile(request: DockerfileBuild): Promise<BuiltDockerfile> {
    const platform = parsePlatform(request.platform);
    const contexts = new Map<string, string>();
    const inputs: Record<string, Uint8Array> = {};
    const stateOf = (state: unknown): State => {
      if (!(state instanceof State)) throw new EbuildError("internal", "FROM DOCKERFILE was given a state the LLB builder did not make");
      return state;
    };
    if (request.context.kind === "directory") contexts.set("context", request.context.directory);
    else inputs["context"] = marshal(stateOf(request.context.state), { platform }).definition;
    if (request.dockerfile.kind === "directory") contexts.set("dockerfile", request.dockerfile.directory);
    else inputs["dockerfile"] = marshal(stateOf(request.dockerfile.state), { platform }).definition;
    const options: Record<string, string> = { filename: request.dockerfile.filename, platform: formatPlatform(platform) };
    if (request.stage !== undefined && request.stage !== "") options["target"] = request.stage;
    for (const [name, value] of request.buildArgs) options[`build-arg:${name}`] = value;
    if (this.options.noCache) options["no-cache"] = "";
    const session = await openBuildSession(this.client, { contexts, secrets: new Map(), credentials: this.options.credentials }, `ebuild-dockerfile:${[...contexts.values()].join(":")}`);
    try {
      const build = GatewayBuild.open(this.client, { sessionId: session.id, internal: true, signal: this.signal });
      let result;
      try {
        result = await build.solveFrontend({ frontend: "dockerfile.v0", options, inputs, signal: this.signal });
      } catch (error) {
        await build.fail(error as Error).catch(() => {});
        throw error;
      }
      await build.finish();
      const image = result.metadata[imageConfigMetadataKey];
      const parsed = image === undefined ? {} : (JSON.parse(new TextDecoder().decode(image)) as { config?: ImageConfig["config"] });
      return { definition: result.definition, config: plannedConfig(parsed.config ?? {}) };
    } finally {
      await session.close();
    }
  }

  /** Runs `command` with /bin/sh -c in the place's state; resolves to its stdout, trailing newlines trimmed. */
  async shellOut(place: EnginePlace, command: string): Promise<string> {
    const { status, stdout } = await this.runCaptured(place, command);
    if (status !== 0) {
      throw new EbuildError("build", `$(${command}) exited with status ${status}`, {
        hint: stdout ? `its output was: ${stdout.slice(0, 200)}` : "a failing shell-out fails the build",
      });
    }
    return stdout.replace(/\n+$/, "");
  }

  /** Runs `command`; true when it exits with 0. Its file changes are discarded. */
  async evaluateCondition(place: EnginePlace, command: string): Promise<boolean> {
    return (await this.runCaptured(place, command)).status === 0;
  }

  /**
   * A file of a git checkout, or undefined when the checkout has none. The daemon clones the
   * repository (its host's git, with the session's GIT_AUTH_* secrets); a fetch that fails throws.
   */
  async readGitFile(checkout: GitCheckout, path: string): Promise<string | undefined> {
    const key = `${checkout.url}#${checkout.ref}`;
    let solving = this.checkouts.get(key);
    if (solving === undefined) {
      solving = this.open().solve(marshal(checkoutState(checkout)).definition, { evaluate: true, signal: this.signal });
      this.checkouts.set(key, solving);
    }
    const ref = await solving;
    try {
      return new TextDecoder().decode(await this.open().readFile(ref, path, { maxBytes: 16 << 20, signal: this.signal }));
    } catch (error) {
      if (error instanceof EbuildError && error.kind === "build" && /no such file or directory|not a directory/i.test(error.message)) return undefined;
      throw error;
    }
  }

  /** Ends the bridge build. */
  async close(): Promise<void> {
    const bridge = this.bridge;
    this.bridge = undefined;
    if (bridge) await bridge.finish();
  }

  private open(): GatewayBuild {
    this.bridge ??= GatewayBuild.open(this.client, { sessionId: this.sessionId, internal: true, signal: this.signal });
    return this.bridge;
  }

  private async runCaptured(place: EnginePlace, command: string): Promise<{ status: number; stdout: string }> {
    if (!(place.state instanceof State)) {
      throw new EbuildError("semantic", `cannot run ${command} in ${place.target}: there is no build state yet`, {
        hint: "put a FROM before commands that run something",
      });
    }
    const prefix = place.environment.map(([k, v]) => `${k}=${shellQuote(v)}`).join(" ");
    // The command's own status is recorded, so that "false" is an answer and not a failed build.
    const script = `${prefix ? `${prefix} ` : ""}/bin/sh -c ${shellQuote(command)} > ${outputDir}/stdout; echo $? > ${outputDir}/status`;
    const exec = place.state.run({ args: ["/bin/sh", "-c", script], mounts: [{ type: "bind", target: outputDir, from: scratch() }] });
    const output = exec.getMount(outputDir);
    const bridge = this.open();
    const definition = marshal(output, { platform: parsePlatform(place.platform) }).definition;
    const ref = await bridge.solve(this.options.noCache ? withoutCache(definition) : definition, { evaluate: true, signal: this.signal });
    const decoder = new TextDecoder();
    const status = Number.parseInt(decoder.decode(await bridge.readFile(ref, "/status", { signal: this.signal })).trim(), 10);
    const stdout = decoder.decode(await bridge.readFile(ref, "/stdout", { signal: this.signal }));
    return { status: Number.isNaN(status) ? 1 : status, stdout };
  }
}
