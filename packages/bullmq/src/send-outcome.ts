/**
 * What became of a queued send, and how a finished job records it: BullMQ keeps a
 * failed job's reason as a string, so the worker writes the outcome at its start.
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
  /** The error's message, redacted like every SDK error. */
  readonly message: string;
}

/** The `code` of a job whose worker stopped (died, or lost its lock) while it ran. */
export const STALLED = 'STALLED';

const NOT_SENT = 'not-sent';
const NEEDS_REVIEW = 'needs-review';

/** A job's failed reason recording `outcome` and the error behind it. */
export function failedReason(outcome: 'not-sent' | 'needs-review', error: RecordedError): string {
  return `${outcome} ${error.code}: ${error.message}`;
}

/**
 * Reads a failed job's reason back. A reason the worker did not write (BullMQ failing a job that
 * stalled too often) may hide a written send: it is `needs-review`.
 */
export function readFailedReason(reason: string | undefined): { outcome: 'not-sent' | 'needs-review'; error: RecordedError } {
  const match = /^(not-sent|needs-review) ([A-Z0-9_]+): ([\s\S]*)$/.exec(reason ?? '');
  if (match === null) return { outcome: NEEDS_REVIEW, error: { code: STALLED, message: reason ?? 'the job failed' } };
  const [, outcome, code, message] = match as unknown as [string, typeof NOT_SENT | typeof NEEDS_REVIEW, string, string];
  return { outcome, error: { code, message } };
}
