/**
 * Redaction of secret values from everything the progress display prints. ebuild knows the
 * values of the secrets it passes to the build (`--secret`, `--secret-file`), so it replaces
 * exactly those values with `***` and nothing else: a pattern such as "user:password@" would
 * mangle ordinary output (Earthly #4305).
 */

/** What every redacted occurrence becomes. */
export const redactedMark = "***";

/** Replaces known secret values in text. */
export class Redactor {
  /** Longest first, so a secret that contains a shorter one is replaced whole. */
  private readonly values: string[];
  /** The longest value's length; a stream must hold back this many characters minus one. */
  readonly longest: number;

  /**
   * A secret that spans several lines (a key file) is also matched line by line, because log
   * output reaches the display as lines.
   */
  constructor(secrets: Iterable<string>) {
    const values = new Set<string>();
    for (const secret of secrets) {
      if (secret === "") continue;
      values.add(secret);
      if (/[\r\n]/.test(secret)) {
        for (const line of secret.split(/\r?\n|\r/)) if (line.trim() !== "") values.add(line);
      }
    }
    this.values = [...values].sort((a, b) => b.length - a.length);
    this.longest = this.values[0]?.length ?? 0;
  }

  /** True when there is nothing to redact. */
  get empty(): boolean {
    return this.values.length === 0;
  }

  redact(text: string): string {
    if (this.values.length === 0) return text;
    let result = text;
    for (const value of this.values) if (result.includes(value)) result = result.split(value).join(redactedMark);
    return result;
  }

  /**
   * Where `text` can be cut so that no secret occurrence straddles the cut and the part after it
   * is long enough to complete any secret that starts there: the first `cut` characters can be
   * redacted and printed now, the rest must wait for more input.
   */
  safeCut(text: string): number {
    if (this.values.length === 0) return text.length;
    let cut = Math.max(0, text.length - (this.longest - 1));
    for (let moved = true; moved; ) {
      moved = false;
      for (const value of this.values) {
        // An occurrence covering the cut moves the cut to its start.
        const from = Math.max(0, cut - value.length + 1);
        const index = text.indexOf(value, from);
        if (index >= 0 && index < cut && index + value.length > cut) {
          cut = index;
          moved = true;
        }
      }
    }
    return cut;
  }
}
