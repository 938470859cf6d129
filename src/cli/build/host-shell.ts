/**
 * The planner's HostShell on this machine: a LOCALLY target's `$(...)` and IF conditions run with
 * `/bin/sh -c` in the target's host directory, with the host's environment plus the target's
 * ENV/ARG/LET values (what its host RUNs get). Standard output is the answer; standard error is
 * kept for the message when a `$(...)` fails. A build also gives it the way to run the host RUNs
 * planned before such a command, which must run first.
 */
import { spawn } from "node:child_process";
import { EbuildError } from "../../errors.js";
import type { HostPlace, HostShell } from "../../planner/host-shell.js";
import type { HostRun } from "../../planner/plan.js";

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

export class ProcessHostShell implements HostShell {
  readonly runHostRun: ((run: HostRun, index: number) => Promise<void>) | undefined;

  /** `runHostRun`: how a build runs a host RUN while planning; without it (ebuild plan) none runs. */
  constructor(
    private readonly signal?: AbortSignal,
    runHostRun?: (run: HostRun, index: number) => Promise<void>,
  ) {
    this.runHostRun = runHostRun;
  }

  async shellOut(place: HostPlace, command: string): Promise<string> {
    const outcome = await this.run(place, command);
    if (outcome.code !== 0) {
      const lastLines = outcome.stderr.trimEnd().split("\n").slice(-3).join("\n");
      throw new EbuildError("build", `exited with status ${outcome.code ?? "unknown"}`, {
        hint: lastLines === "" ? `it ran on the host in ${place.directory}` : `its error output: ${lastLines}`,
      });
    }
    return outcome.stdout;
  }

  async evaluateCondition(place: HostPlace, command: string): Promise<boolean> {
    return (await this.run(place, command)).code === 0;
  }

  private async run(place: HostPlace, command: string): Promise<Outcome> {
    const env = { ...process.env, ...Object.fromEntries(place.environment) };
    const outcome = await new Promise<Outcome & { error?: Error }>((resolve) => {
      const child = spawn("/bin/sh", ["-c", command], { cwd: place.directory, env, stdio: ["ignore", "pipe", "pipe"] });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      const onAbort = () => child.kill("SIGTERM");
      this.signal?.addEventListener("abort", onAbort, { once: true });
      child.stdout.on("data", (data: Buffer) => stdout.push(data));
      child.stderr.on("data", (data: Buffer) => stderr.push(data));
      child.on("error", (error) => resolve({ code: null, stdout: "", stderr: "", error }));
      child.on("close", (code) => {
        this.signal?.removeEventListener("abort", onAbort);
        resolve({ code, stdout: Buffer.concat(stdout).toString("utf8"), stderr: Buffer.concat(stderr).toString("utf8") });
      });
    });
    if (this.signal?.aborted) throw new EbuildError("cancelled", `${command} on the host was cancelled`);
    if (outcome.error !== undefined) {
      throw new EbuildError("build", `could not start /bin/sh in ${place.directory}: ${outcome.error.message}`, { hint: "does the directory exist?" });
    }
    return outcome;
  }
}
