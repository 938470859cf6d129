/**
 * Turns a step's output stream (bytes in arbitrary chunks) into printable, redacted lines. Partial
 * lines wait for their newline or the end of the step; a line longer than the limit is printed in
 * pieces so a step that never prints a newline cannot grow memory without bound.
 */
import { Redactor } from "./redact.js";

/** Characters a line may reach before it is printed in pieces. */
export const defaultMaxLineLength = 8192;

export class LogLines {
  private readonly decoder = new TextDecoder("utf-8", { fatal: false });
  private pending = "";

  constructor(
    private readonly redactor: Redactor,
    private readonly maxLineLength = defaultMaxLineLength,
  ) {}

  /** The lines completed by this chunk; invalid UTF-8 becomes U+FFFD. */
  push(data: Uint8Array): string[] {
    this.pending += this.decoder.decode(data, { stream: true });
    return this.take(false);
  }

  /** Everything still held back, at the end of the step. */
  end(): string[] {
    this.pending += this.decoder.decode();
    return this.take(true);
  }

  private take(final: boolean): string[] {
    const lines: string[] = [];
    // Walk the newlines first and cut the rest once: a chunk of many short lines stays linear.
    let start = 0;
    for (let newline; (newline = this.pending.indexOf("\n", start)) >= 0; start = newline + 1) {
      lines.push(this.finish(this.pending.slice(start, newline)));
    }
    if (start > 0) this.pending = this.pending.slice(start);
    while (this.pending.length > this.maxLineLength) {
      // Cut where no secret straddles the cut, so the piece can be redacted on its own.
      const head = this.pending.slice(0, this.maxLineLength);
      const cut = this.redactor.safeCut(head) || this.maxLineLength;
      lines.push(this.finish(this.pending.slice(0, cut)));
      this.pending = this.pending.slice(cut);
    }
    if (final && this.pending !== "") {
      lines.push(this.finish(this.pending));
      this.pending = "";
    }
    return lines;
  }

  private finish(line: string): string {
    return printable(this.redactor.redact(line));
  }
}

/**
 * What a terminal would leave of a line: text after a carriage return overwrites the text before
 * it (progress bars), and control characters other than tab are shown as `\xNN` so build output
 * cannot move the cursor or garble the live view.
 */
export function printable(line: string): string {
  let text = line.endsWith("\r") ? line.slice(0, -1) : line;
  const cr = text.lastIndexOf("\r");
  if (cr >= 0) text = text.slice(cr + 1);
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}
