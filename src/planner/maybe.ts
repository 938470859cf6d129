/**
 * Values that are ready now or later. Most statements plan without waiting for anything; only a
 * file to load, an image config, `$(...)` or a condition needs the daemon. The walk stays
 * synchronous until a statement really waits, because an async call per statement and per word
 * (its promise and frame) cost more than planning the statement itself on large Buildfiles.
 */
export type Maybe<T> = T | Promise<T>;

/** `next(value)` now when the value is ready, else when it is. */
export function then<T, U>(value: Maybe<T>, next: (value: T) => Maybe<U>): Maybe<U> {
  return value instanceof Promise ? value.then(next) : next(value);
}

/** Runs `step` on each item in order, synchronously for as long as every step is. */
export function each<T>(items: readonly T[], step: (item: T) => Maybe<void>, from = 0): Maybe<void> {
  for (let i = from; i < items.length; i++) {
    const pending = step(items[i]!);
    if (pending instanceof Promise) return pending.then(() => each(items, step, i + 1));
  }
  return undefined;
}

/** Maps each item in order (one at a time, as a loop with `await` would). */
export function mapEach<T, U>(items: readonly T[], map: (item: T) => Maybe<U>): Maybe<U[]> {
  const out: U[] = [];
  return then(
    each(items, (item) => then(map(item), (value) => void out.push(value))),
    () => out,
  );
}
