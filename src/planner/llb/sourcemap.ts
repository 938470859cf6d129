/**
 * Source maps: the Buildfile text and the ranges in it each op came from. They travel in the
 * Definition (Definition.source) so errors from the daemon can be shown as `Buildfile:line:col`.
 */

/** A position in a source file: `line` counts from 1 and `character` from 0, as BuildKit's Dockerfile frontend writes them. */
export interface SourcePosition {
  readonly line: number;
  readonly character: number;
}

/** A range in a source file. */
export interface SourceRange {
  readonly start: SourcePosition;
  readonly end: SourcePosition;
}

/** One source file (a Buildfile), shared by every op that points into it. */
export class SourceMap {
  /** The file's bytes, sent once per Definition however many ops point into it. */
  readonly data: Uint8Array;

  constructor(
    /** The file's name as the user should see it, e.g. `Buildfile` or `sub/Buildfile`. */
    readonly file: string,
    /** The file's text. */
    text: string | Uint8Array,
    /** A language hint for tools that render the source, e.g. `Buildfile`. */
    readonly language = "",
  ) {
    this.data = typeof text === "string" ? new TextEncoder().encode(text) : text;
  }

  /** Where an op came from: this file and the given ranges. */
  at(...ranges: SourceRange[]): SourceLocation {
    return { source: this, ranges };
  }

  /**
   * Where an op came from: one range of this file. Its range objects are made when a definition is
   * marshalled; a plan records a location for each of thousands of ops and marshals few.
   */
  span(startLine: number, startCharacter: number, endLine: number, endCharacter: number): SourceLocation {
    return new SpanLocation(this, startLine, startCharacter, endLine, endCharacter);
  }
}

class SpanLocation implements SourceLocation {
  #ranges: readonly SourceRange[] | undefined;

  constructor(
    readonly source: SourceMap,
    private readonly startLine: number,
    private readonly startCharacter: number,
    private readonly endLine: number,
    private readonly endCharacter: number,
  ) {}

  get ranges(): readonly SourceRange[] {
    return (this.#ranges ??= [{ start: { line: this.startLine, character: this.startCharacter }, end: { line: this.endLine, character: this.endCharacter } }]);
  }
}

/** The ranges in one source file that an op came from. */
export interface SourceLocation {
  readonly source: SourceMap;
  readonly ranges: readonly SourceRange[];
}

/** Whether two source maps describe the same file with the same text (BuildKit shares such files). */
export function sameSourceMap(a: SourceMap, b: SourceMap): boolean {
  if (a === b) return true;
  if (a.file !== b.file || a.language !== b.language || a.data.length !== b.data.length) return false;
  return a.data.every((byte, i) => byte === b.data[i]);
}
