/**
 * One call's deadline (SPEC §4): a signal that fires when the overall `timeoutMs` passes or the
 * caller's signal aborts, and which of the two it was.
 */

/** The signal of one call and how it ended. */
export interface CallDeadline {
  readonly signal: AbortSignal;
  /** True once the deadline (not the caller) ended the call. */
  readonly timedOut: boolean;
  /** Milliseconds left before the deadline. */
  remainingMs(): number;
  /** Stops the timer and detaches from the caller's signal. */
  dispose(): void;
}

/**
 * Starts a deadline of `timeoutMs` linked to the caller's `signal`. A timer per call is cheaper
 * than `AbortSignal.timeout`, whose timers cannot be cancelled and would pile up under load.
 */
export function startDeadline(timeoutMs: number, signal: AbortSignal | undefined): CallDeadline {
  const controller = new AbortController();
  const endsAt = performance.now() + timeoutMs;
  let timedOut = false;
  const onAbort = () => controller.abort(signal?.reason);
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`deadline of ${timeoutMs} ms passed`));
  }, timeoutMs);
  if (signal) {
    if (signal.aborted) controller.abort(signal.reason);
    else signal.addEventListener('abort', onAbort, { once: true });
  }
  return {
    signal: controller.signal,
    get timedOut() {
      return timedOut;
    },
    remainingMs: () => endsAt - performance.now(),
    dispose() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    },
  };
}
