/**
 * Test helper: whether the daemon grants builds the security.insecure entitlement. Docker Engine
 * does only when its daemon.json allows it (scripts/buildkit-up writes that config for the dockerd
 * it starts); tests of privileged work skip with this reason on a daemon started without it.
 */
import { ebuild, project } from "./cli.js";

let probe: Promise<string | undefined> | undefined;

/** Undefined when privileged RUNs run here; else why tests of them skip. Probed once per process. */
export function privilegedSkipReason(): Promise<string | undefined> {
  probe ??= (async () => {
    const dir = await project({ Buildfile: "VERSION 0.8\nFROM ebuild-fixture/busybox:latest\nprobe:\n    RUN --privileged --no-cache true\n" });
    const result = await ebuild(["--progress", "plain", "-P", "+probe"], { cwd: dir });
    if (result.code === 0) return undefined;
    if (/entitlement security\.insecure is not allowed/.test(result.stdout + result.stderr)) {
      return "the daemon does not grant security.insecure (restart dockerd through scripts/buildkit-up, which allows it)";
    }
    throw new Error(`probing RUN --privileged failed unexpectedly (exit ${result.code}):\n${result.stderr}${result.stdout}`);
  })();
  return probe;
}
