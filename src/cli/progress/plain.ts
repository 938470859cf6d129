/**
 * Plain mode, for CI and pipes: one line per step start, cache hit and line of output, each
 * prefixed by its target (`      +build | --> RUN make`), in the order the daemon reports them.
 */
import type { StepEvent } from "./steps.js";
import { TextRenderer } from "./text.js";

export class PlainRenderer extends TextRenderer {
  protected show(events: StepEvent[]): void {
    const lines: string[] = [];
    for (const event of events) {
      const line = this.lineOf(event);
      if (line !== undefined) lines.push(line);
    }
    this.print(lines);
  }

  protected print(lines: string[]): void {
    this.write(lines);
  }
}
