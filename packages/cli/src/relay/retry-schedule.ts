/**
 * When a failed delivery is tried again: pauses that double from one second up to an hour, each
 * with jitter (so that a receiver back from an outage is not hit by every message at the same
 * instant), or the wait a 429/503 asked for with `Retry-After`, within the retry window.
 */

/** The default retry window: 24 hours from the first attempt. */
export const DEFAULT_RETRY_WINDOW_MS = 24 * 60 * 60 * 1000;
/** The pause after the first failed attempt, before jitter. */
export const FIRST_RETRY_DELAY_MS = 1_000;
/** The longest pause between two attempts, before jitter (a `Retry-After` may ask for more). */
export const MAX_RETRY_DELAY_MS = 60 * 60 * 1000;

/**
 * The pause before the next attempt after `failures` failed ones (1 or more): `Retry-After`
 * when given, else `d/2 + random × d/2` with `d = min(1 h, 1 s × 2^(failures-1))`.
 *
 * @param random a number in [0, 1) (tests pass a fixed one).
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3
 */
export function retryDelay(
  failures: number,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined) return Math.max(0, retryAfterMs);
  const ceiling = Math.min(
    MAX_RETRY_DELAY_MS,
    FIRST_RETRY_DELAY_MS * 2 ** Math.max(0, failures - 1),
  );
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
