/**
 * Which failures are retried, and how long to wait (README "Security and reliability").
 *
 * Reads are retried on network failures, phase timeouts, 429 and 5xx. Sends are retried only
 * when the request provably never reached the server (`mayHaveBeenSent` false: a refused
 * connection, a connect timeout, a failed token request, a 429 `RATE_LIMITED`), never after, so a
 * retry can never deliver a message twice. `getunreadmessages` is retried like a send: it marks
 * on the server what it returns, so a retry after the first request may have been handled would
 * answer nothing and hide that the lost answer's messages were consumed (the failure is reported
 * instead, and `watchInbound` recovers them). No retry comes sooner than the server's `Retry-After`.
 */
import { AfilnetTransportError } from '../errors/errors.js';
import { CHAT_METHODS, type ChatMethod } from '../wire/methods.js';

/** Retry settings of a client; `retry: false` turns retries off. */
export interface RetryOptions {
  /** Attempts in all, the first included (3). */
  readonly maxAttempts?: number;
  /** The first backoff's ceiling in ms (200); each retry doubles it. */
  readonly baseDelayMs?: number;
  /** The largest backoff ceiling in ms (5,000). A longer `Retry-After` is still honoured within the deadline. */
  readonly maxDelayMs?: number;
  /**
   * Retries the client may make per call, on average (0.2): a budget that keeps a failing
   * server from receiving a multiple of its normal load. Ten retries are always available.
   */
  readonly budgetRatio?: number;
}

/** Retry settings with every default filled in. */
export interface ResolvedRetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly budgetRatio: number;
}

/** The defaults of {@link RetryOptions}. */
export const DEFAULT_RETRY_POLICY: ResolvedRetryPolicy = {
  maxAttempts: 3,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  budgetRatio: 0.2,
};

/** Fills in the defaults; `false` is one attempt. */
export function resolveRetryPolicy(options: RetryOptions | false | undefined): ResolvedRetryPolicy {
  if (options === false) return { ...DEFAULT_RETRY_POLICY, maxAttempts: 1 };
  return { ...DEFAULT_RETRY_POLICY, ...options };
}

function isTransientStatus(status: number | undefined): boolean {
  return status === 429 || (status !== undefined && status >= 500 && status <= 599);
}

/** True when a failure may go away by itself (the server or the network being busy). */
function isTransient(error: AfilnetTransportError): boolean {
  switch (error.code) {
    case 'NETWORK':
    case 'TIMEOUT':
    case 'RATE_LIMITED':
      return true;
    case 'HTTP_STATUS':
    case 'TOKEN_ENDPOINT':
      return isTransientStatus(error.httpStatus);
    default:
      return false;
  }
}

/**
 * True when `error`, ending an attempt of `method`, may be retried: transient, and for a send,
 * provably never written.
 */
export function isRetryable(error: unknown, method: ChatMethod): error is AfilnetTransportError {
  if (!(error instanceof AfilnetTransportError) || !isTransient(error)) return false;
  const changesServer = CHAT_METHODS[method].isSend || method === 'getunreadmessages';
  return !changesServer || !error.mayHaveBeenSent;
}

/**
 * The wait before retry number `retry` (1 for the first): exponential backoff with full jitter
 * (a random wait between 0 and the ceiling), and at least the server's `Retry-After`.
 */
export function backoffDelay(
  retry: number,
  policy: ResolvedRetryPolicy,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  const jittered = Math.floor(random() * ceiling);
  return retryAfterMs === undefined ? jittered : Math.max(jittered, retryAfterMs);
}
