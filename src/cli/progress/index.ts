/**
 * How `ebuild` shows a build: pick a mode (`--progress auto|tty|plain|json`) and get a
 * BuildRenderer that every Solve of the build reports to. All modes redact the known secret
 * values from everything they print.
 */
import { EbuildError } from "../../errors.js";
import { chalkAt, colourLevel } from "./colour.js";
import { onGitHubActions } from "./github.js";
import { JsonRenderer } from "./json.js";
import { PlainRenderer } from "./plain.js";
import { Redactor } from "./redact.js";
import { TtyRenderer } from "./tty.js";
import type { BuildRenderer, OutputStream, StepInfo, StepLookup } from "./types.js";

export type { BuildRenderer, BuildResult, OutputStream, SavedImage, SolveProgress, SolveTag, StepInfo, StepLookup } from "./types.js";
export { Redactor, redactedMark } from "./redact.js";

export const progressModes = ["auto", "tty", "plain", "json"] as const;
export type ProgressMode = (typeof progressModes)[number];

/** Checks a `--progress` value. */
export function parseProgressMode(text: string): ProgressMode {
  if ((progressModes as readonly string[]).includes(text)) return text as ProgressMode;
  throw new EbuildError("usage", `--progress ${text}: expected one of ${progressModes.join(", ")}`);
}

export interface RendererOptions {
  mode: ProgressMode;
  /** Where progress goes (default: process.stdout). */
  out?: OutputStream | undefined;
  /** For NO_COLOR, FORCE_COLOR, GITHUB_ACTIONS, TERM (default: process.env). */
  env?: NodeJS.ProcessEnv | undefined;
  /** The values of every secret the build uses: they never appear in the output. */
  secrets?: Iterable<string> | undefined;
  /** The width of the target column in plain and tty modes. */
  prefixWidth?: number | undefined;
  now?: (() => number) | undefined;
  /** Milliseconds between redraws of the live view (default 150; 0: only when events arrive). */
  refreshMs?: number | undefined;
}

/**
 * The renderer for a mode. `auto` is the live view on a terminal and plain lines elsewhere (pipes,
 * CI, TERM=dumb); `tty` falls back to plain when the output is not a terminal.
 */
export function createRenderer(options: RendererOptions): BuildRenderer {
  const out = options.out ?? process.stdout;
  const env = options.env ?? process.env;
  const redactor = new Redactor(options.secrets ?? []);
  if (options.mode === "json") return new JsonRenderer({ out, redactor, now: options.now });
  const isTTY = out.isTTY === true;
  const text = {
    out,
    redactor,
    chalk: chalkAt(colourLevel(env, isTTY)),
    github: onGitHubActions(env),
    prefixWidth: options.prefixWidth,
    now: options.now,
  };
  const live = isTTY && env.TERM !== "dumb" && (options.mode === "tty" || (options.mode === "auto" && !onGitHubActions(env)));
  return live ? new TtyRenderer({ ...text, refreshMs: options.refreshMs }) : new PlainRenderer(text);
}

/** A StepLookup over the planner's steps by op digest (`plan.steps`). */
export function lookupIn(steps: ReadonlyMap<string, StepInfo> | undefined): StepLookup {
  return (digest) => steps?.get(digest);
}
