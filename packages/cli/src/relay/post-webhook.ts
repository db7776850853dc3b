/**
 * One delivery attempt: a signed `POST` of the body to the webhook URL, answered within the
 * request timeout. Redirects are not followed: a 3xx is a failed attempt, as Standard Webhooks
 * asks (a receiver that moved must be reconfigured, not followed blindly with a signed body).
 *
 * @see https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
 */
import { request, type Dispatcher } from 'undici';
import { parseRetryAfter } from '@afilnet-chat/core/transport';
import type { WebhookSigner } from './webhook-signer.js';

/** The default time an attempt may take, from connecting to the status line: 15 s. */
export const WEBHOOK_TIMEOUT_MS = 15_000;
/** The most of a receiver's answer body that is read (then the connection is reused or dropped). */
const MAX_ANSWER_BYTES = 64 * 1024;

/** Where and how deliveries are posted. */
export interface WebhookTarget {
  /** The receiver's URL (`https:`, or `http:` when allowed). */
  readonly url: URL;
  /** Signs each attempt (`createWebhookSigner`, or `standardwebhooks`' `Webhook` built from the secret). */
  readonly signer: WebhookSigner;
  /** The undici dispatcher to post through (a proxy, or a pool of its own). */
  readonly dispatcher?: Dispatcher;
  /** The attempt's time limit in ms (default {@link WEBHOOK_TIMEOUT_MS}). */
  readonly timeoutMs?: number;
  /** The `user-agent` header. */
  readonly userAgent?: string;
}

/** How one attempt ended. */
export type AttemptOutcome =
  | { readonly ok: true; readonly status: number }
  | {
      readonly ok: false;
      /** The status, when the receiver answered. */
      readonly status?: number;
      /** The wait a 429 or 503 asked for with `Retry-After`, in ms. */
      readonly retryAfterMs?: number;
      /** One line saying why: `HTTP 500`, `timeout after 15000 ms`, `ECONNREFUSED`. */
      readonly reason: string;
    };

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Posts `body` as the event `id`, signed now, and says how the receiver answered. Never throws:
 * a network failure, a timeout or `signal` firing is a failed attempt.
 *
 * Headers: `content-type: application/json`, `webhook-id`, `webhook-timestamp` (seconds),
 * `webhook-signature` (`v1,<base64 HMAC-SHA256>`); each attempt is signed with its own timestamp,
 * since receivers refuse old ones.
 */
export async function postWebhook(
  target: WebhookTarget,
  id: string,
  body: string,
  signal?: AbortSignal,
): Promise<AttemptOutcome> {
  const timeoutMs = target.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  const now = new Date();
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': target.signer.sign(id, now, body),
  };
  if (target.userAgent !== undefined) headers['user-agent'] = target.userAgent;
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = signal === undefined ? timeout : AbortSignal.any([timeout, signal]);
  try {
    const answer = await request(target.url, {
      method: 'POST',
      headers,
      body,
      signal: combined,
      ...(target.dispatcher === undefined ? {} : { dispatcher: target.dispatcher }),
    });
    // Only the status matters; the rest is read up to a limit so the connection can be reused.
    await answer.body.dump({ limit: MAX_ANSWER_BYTES }).catch(() => undefined);
    const status = answer.statusCode;
    if (status >= 200 && status < 300) return { ok: true, status };
    const retryAfterMs =
      status === 429 || status === 503
        ? parseRetryAfter(header(answer.headers['retry-after']))
        : undefined;
    const reason =
      status >= 300 && status < 400
        ? `HTTP ${status} (redirects are not followed)`
        : `HTTP ${status}`;
    return retryAfterMs === undefined
      ? { ok: false, status, reason }
      : { ok: false, status, retryAfterMs, reason };
  } catch (error) {
    if (timeout.aborted) return { ok: false, reason: `timeout after ${timeoutMs} ms` };
    if (signal?.aborted) return { ok: false, reason: 'stopped' };
    const code = (error as { code?: unknown } | null)?.code;
    const cause = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
    const name =
      typeof code === 'string'
        ? code
        : typeof cause === 'string'
          ? cause
          : error instanceof Error
            ? error.name
            : 'error';
    return { ok: false, reason: `network failure ${name}` };
  }
}
