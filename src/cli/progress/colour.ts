/**
 * Colour for the progress display: whether to use it (NO_COLOR, FORCE_COLOR, a TTY) and the
 * stable colour of each target, so `+build` looks the same in every run and every log.
 */
import { Chalk, supportsColor, type ChalkInstance, type ColorSupportLevel } from "chalk";

/**
 * The colour level for a stream. FORCE_COLOR wins as chalk reads it ("0"/"false" off, "1".."3",
 * "" or "true" basic); otherwise a non-empty NO_COLOR turns colour off (no-color.org); otherwise
 * a TTY gets what chalk detected for this terminal, and a pipe gets none.
 */
export function colourLevel(env: NodeJS.ProcessEnv, isTTY: boolean): ColorSupportLevel {
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === "" || force === "true") return 1;
    if (force === "false") return 0;
    const level = Number.parseInt(force, 10);
    if (Number.isFinite(level)) return Math.max(0, Math.min(3, level)) as ColorSupportLevel;
  }
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return 0;
  if (!isTTY) return 0;
  return supportsColor ? supportsColor.level : 0;
}

/** Colours for targets: readable on dark and light backgrounds; red is kept for errors. */
const palette = ["cyan", "magenta", "yellow", "blue", "green", "cyanBright", "magentaBright", "yellowBright", "blueBright", "greenBright"] as const;
export type TargetColour = (typeof palette)[number];

/** The colour of a target's name: FNV-1a of the name picks from the palette. */
export function targetColour(name: string): TargetColour {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return palette[hash % palette.length]!;
}

/** A chalk instance at a fixed level, so output does not depend on the process's own stdout. */
export function chalkAt(level: ColorSupportLevel): ChalkInstance {
  return new Chalk({ level });
}
