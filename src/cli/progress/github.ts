/**
 * GitHub Actions workflow commands: log groups per phase and error annotations that put a failure
 * on the Buildfile line in the pull request. Values are escaped as the runner expects.
 */
import type { FailureView } from "./failure.js";

/** True when running as a GitHub Actions step. */
export function onGitHubActions(env: NodeJS.ProcessEnv): boolean {
  return env.GITHUB_ACTIONS === "true";
}

/** Message text: %, CR and LF are escaped. */
export function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** Property values additionally escape : and , which separate properties. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

export function groupStart(name: string): string {
  return `::group::${escapeData(name)}`;
}

export const groupEnd = "::endgroup::";

/** `::error file=Buildfile,line=12,col=5,title=…::message`; without a position, a plain error. */
export function errorAnnotation(failure: FailureView): string {
  const properties: string[] = [];
  if (failure.at) {
    properties.push(`file=${escapeProperty(failure.at.file)}`, `line=${failure.at.line}`, `col=${failure.at.column}`);
  }
  if (failure.target) properties.push(`title=${escapeProperty(`${failure.target} failed`)}`);
  const what = failure.command ? `${failure.command}: ` : "";
  const exit = failure.exitCode !== undefined ? `exit code ${failure.exitCode}` : failure.message;
  return `::error${properties.length > 0 ? ` ${properties.join(",")}` : ""}::${escapeData(`${what}${exit}`)}`;
}
