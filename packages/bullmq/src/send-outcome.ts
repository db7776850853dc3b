/**
 * What became of a queued send, and how a job records it: as its `returnvalue`, written by
 * BullMQ in the same step that completes the job, so an outcome is never half recorded.
 */

/**
 * - `queued`: waiting, delayed or being sent.
 * - `sent`: the server accepted it, exactly once.
 * - `not-sent`: every attempt failed before any byte of the send could reach the server (or the
 *   server refused it with an API error): safe to queue again, under a new key.
 * - `needs-review`: a send may have reached the server (a failure with `mayHaveBeenSent`, or a
 *   worker that died mid-job); the queue never sends it again. Check the conversation before
 *   sending it again yourself.
 */
export type SendOutcome = 'queued' | 'sent' | 'not-sent' | 'needs-review';

/** The error that ended a job, as the queue recorded it (never a secret: core redacts). */
export interface RecordedError {
  /** The SDK error's `code` (`NETWORK`, `TIMEOUT`, `CHANNEL_NOT_FOUND`…), or `STALLED`. */
  readonly code: string;
  /** The error's message, redacted by core (never a secret). */
  readonly message: string;
}

/**
 * The `returnvalue` of a finished send job: plain JSON. A job completes once its outcome is
 * settled, whatever it is; the failed set holds only jobs BullMQ itself gave up on (a job whose
 * worker died more often than `maxStalledCount`), which are `needs-review`.
 */
export type SendResult =
  | {
      /** The server accepted the send, once. */
      readonly outcome: 'sent';
    }
  | {
      /** `not-sent`: it never reached the server; `needs-review`: it may have. */
      readonly outcome: 'not-sent' | 'needs-review';
      /** The failure behind the outcome. */
      readonly error: RecordedError;
    };

/** The `code` of a job whose worker stopped (died, or lost its lock) while it ran. */
export const STALLED = 'STALLED';

/** The outcome a finished job records; a job BullMQ failed by itself may hide a written send. */
export function outcomeOf(
  state: 'completed' | 'failed',
  result: SendResult | null | undefined,
): 'sent' | 'not-sent' | 'needs-review' {
  if (state === 'failed') return 'needs-review';
  return result?.outcome ?? 'sent';
}
