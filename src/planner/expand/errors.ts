/**
 * Expansion failures are values: each one says what went wrong and where in the word, so the planner
 * can point at `Buildfile:line:col` (word offset + the word's own position in the file).
 */

/** What went wrong while expanding a word. */
export type ExpansionErrorKind =
  | "unterminated-quote" // a ' or " without its partner
  | "missing-brace" // `${NAME` with no closing `}`
  | "bad-substitution" // `${}`, `${:x}`, `${{x}`
  | "unsupported-modifier" // `${X=y}`, `${X:y}`: an operator Dockerfiles do not have
  | "missing-slash" // `${X/pattern}` without the replacement part
  | "invalid-pattern" // a bad escape in a `#`, `%` or `/` pattern
  | "required-variable" // `${X?msg}` / `${X:?msg}` on an unset (or empty) variable
  | "unterminated-shell-out" // `$(` without its `)`
  | "shell-out-unavailable" // `$(...)` where no build environment can run it
  | "shell-out-failed" // the command in `$(...)` failed
  | "missing-value" // `ENV KEY` with neither `=` nor a value
  | "missing-equals" // `ENV A=1 B`: a later pair without `=`
  | "empty-key"; // `ENV =x`

/**
 * A failure to expand one word. `offset` and `length` are in UTF-16 code units of the word as given
 * (the text span of the faulty construct, e.g. the whole `${X:?}`).
 */
export class ExpansionError extends Error {
  readonly kind: ExpansionErrorKind;
  readonly offset: number;
  readonly length: number;

  constructor(kind: ExpansionErrorKind, message: string, offset: number, length = 1, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "ExpansionError";
    this.kind = kind;
    this.offset = offset;
    this.length = length;
  }
}
