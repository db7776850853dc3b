/** Waiting between retries and polls, cut short by an abort. */
import { listenToAbort, type AbortHook } from './abort-hook.js';

/**
 * Resolves after `ms`, or at once when `abort` fires (the caller then checks it). Takes the
 * call's hook as well as a signal, so that a retry's wait makes no `AbortSignal`.
 */
export function abortableDelay(ms: number, abort: AbortHook | AbortSignal): Promise<void> {
  if (abort.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      stop();
      resolve();
    };
    const timer = setTimeout(done, ms);
    const stop = listenToAbort(abort, done);
  });
}
