/** Small formatting shared by the progress modes and `ebuild du` / `ebuild prune`. */

/** 0.4s, 12.3s, 2m05s, 1h02m. */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, "0")}s`;
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, "0")}m`;
}

/** Bytes in decimal units as Docker prints them: 0 B, 512 B, 1.2 kB, 34.5 MB. */
export function formatBytes(bytes: number): string {
  const units = ["B", "kB", "MB", "GB", "TB", "PB"];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/**
 * A target name right-aligned in a column of `width` characters. A longer name is shortened so
 * the column stays fixed: its args (`+api --V=1`) are cut first, then the path before the target,
 * which keeps its end (`…/api+image`).
 */
export function alignTarget(name: string, width: number): string {
  if (name.length <= width) return name.padStart(width);
  const space = name.indexOf(" ");
  const ref = space < 0 ? name : name.slice(0, space);
  if (ref.length < width - 1) return `${name.slice(0, width - 1)}…`;
  if (ref.length === width || ref.length === width - 1) return ref.padStart(width);
  return `…${ref.slice(ref.length - width + 1)}`;
}

/** `Buildfile:12:5`. */
export function formatPosition(at: { file: string; line: number; column: number }): string {
  return `${at.file}:${at.line}:${at.column}`;
}
