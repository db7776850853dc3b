/**
 * A retry budget shared by all calls of one client: each call earns a fraction of a retry, each
 * retry spends one. Under a widespread outage retries stop at a bounded share of the traffic
 * instead of multiplying it.
 */

/** A client's retry budget. */
export interface RetryBudget {
  /** Records a call (its first attempt), earning `ratio` of a retry. */
  deposit(): void;
  /** Spends one retry; false when none is left. */
  withdraw(): boolean;
}

/** Retries always available, whatever the recent traffic. */
const RESERVE = 10;

/** Creates a budget earning `ratio` retries per call, capped so that a quiet period cannot bank an unbounded burst. */
export function createRetryBudget(ratio: number): RetryBudget {
  const cap = RESERVE + Math.max(0, ratio) * 100;
  let tokens = RESERVE;
  return {
    deposit() {
      tokens = Math.min(cap, tokens + ratio);
    },
    withdraw() {
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}
