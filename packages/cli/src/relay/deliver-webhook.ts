/**
 * One message to the receiver: attempts until a 2xx, the retry window closes (the message is
 * then failed, for the caller to keep), or the relay stops (the message is then left for the
 * next run, never acknowledged).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { postWebhook, type AttemptOutcome, type WebhookTarget } from './post-webhook.js';
import { retryDelay } from './retry-schedule.js';

/** What became of one message. */
export type DeliveryOutcome =
  | { readonly outcome: 'delivered'; readonly attempts: number; readonly status: number }
  | { readonly outcome: 'failed'; readonly attempts: number; readonly reason: string }
  | {
      readonly outcome: 'stopped';
      readonly attempts: number;
      /** When the next attempt was due (ms since the epoch), when stopped during a pause. */
      readonly nextAttemptAt?: number;
    };

/** How {@link deliverWebhook} runs. */
export interface DeliveryOptions {
  /** When the window opened (ms since the epoch): the first attempt, usually. */
  readonly windowStart: number;
  /** How long attempts go on, in ms. */
  readonly windowMs: number;
  /** Ends it before the next attempt or during a pause; an attempt in flight completes. */
  readonly stop: AbortSignal;
  /** Aborts the attempt in flight too (a second Ctrl-C). */
  readonly abort?: AbortSignal;
  /** Runs each attempt: a concurrency limit wraps it here. */
  readonly schedule?: (attempt: () => Promise<AttemptOutcome>) => Promise<AttemptOutcome>;
  /**
   * Told of each failed attempt that will be tried again, and the pause before it; the pause
   * begins once what it returns has resolved (the relay saves the window's start there).
   */
  readonly onRetry?: (
    failure: Extract<AttemptOutcome, { ok: false }>,
    delayMs: number,
    attempts: number,
  ) => void | Promise<void>;
  /** Overrides the jitter (tests). */
  readonly random?: () => number;
}

/**
 * Posts the event `id` with `body` until the receiver answers 2xx. After a failed attempt it
 * waits {@link retryDelay} (`Retry-After` on 429/503), unless the next attempt would begin after
 * the window's end: the message is then `failed`. Throws only what `onRetry` throws.
 */
export async function deliverWebhook(
  target: WebhookTarget,
  id: string,
  body: string,
  options: DeliveryOptions,
): Promise<DeliveryOutcome> {
  const { stop, abort } = options;
  const schedule = options.schedule ?? ((attempt) => attempt());
  const deadline = options.windowStart + options.windowMs;
  let attempts = 0;
  for (;;) {
    if (stop.aborted) return { outcome: 'stopped', attempts };
    attempts += 1;
    const result = await schedule(() => postWebhook(target, id, body, abort));
    if (result.ok) return { outcome: 'delivered', attempts, status: result.status };
    if (abort?.aborted || stop.aborted) return { outcome: 'stopped', attempts };
    const delayMs = retryDelay(attempts, result.retryAfterMs, options.random);
    if (Date.now() + delayMs > deadline)
      return { outcome: 'failed', attempts, reason: result.reason };
    await options.onRetry?.(result, delayMs, attempts);
    const nextAttemptAt = Date.now() + delayMs;
    await sleep(delayMs, undefined, { signal: stop }).catch(() => undefined);
    if (stop.aborted) return { outcome: 'stopped', attempts, nextAttemptAt };
  }
}
