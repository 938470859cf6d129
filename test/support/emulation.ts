/**
 * Whether this machine can RUN linux/arm64 programs: a kernel binfmt handler for aarch64 that
 * scripts/emulators registers (Debian's qemu-user-static) with the F flag, which makes it work
 * inside a RUN's container. Tests skip only when registering one is impossible here; a machine
 * that could have one but has none is a setup error, reported with the fix.
 */
import { readFile } from "node:fs/promises";

const binfmt = "/proc/sys/fs/binfmt_misc";

export type EmulationState = { ready: true } | { ready: false; skip: string } | { ready: false; setupMissing: string };

/** The state of the aarch64 handler (`/proc/sys/fs/binfmt_misc/qemu-aarch64`). */
export async function arm64Emulation(): Promise<EmulationState> {
  const handler = await readFile(`${binfmt}/qemu-aarch64`, "utf8").catch(() => undefined);
  if (handler !== undefined) {
    const flags = /^flags: (\S*)$/m.exec(handler)?.[1] ?? "";
    if (!handler.startsWith("enabled")) return { ready: false, skip: "the qemu-aarch64 binfmt handler is registered but disabled" };
    if (!flags.includes("F")) return { ready: false, skip: `the qemu-aarch64 binfmt handler lacks the F flag (flags: ${flags || "none"}), so it cannot run inside containers` };
    return { ready: true };
  }
  if (process.getuid?.() !== 0) return { ready: false, skip: "no qemu-aarch64 binfmt handler, and registering one needs root" };
  const kernelHasBinfmt = (await readFile("/proc/filesystems", "utf8")).split("\n").some((line) => line.endsWith("\tbinfmt_misc"));
  if (!kernelHasBinfmt) return { ready: false, skip: "the kernel has no binfmt_misc" };
  return { ready: false, setupMissing: "no qemu-aarch64 binfmt handler: run scripts/buildkit-up (scripts/emulators registers it)" };
}
