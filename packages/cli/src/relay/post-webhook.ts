/**
 * One delivery attempt: a signed `POST` of the body to the webhook URL, answered within the
 * request timeout. Redirects are not followed: a 3xx is a failed attempt, as Standard Webhooks
 * asks (a receiver that moved must be reconfigured, not followed blindly with a signed body).
 *
 * @see https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
 */
import { getGlobalDispatcher, util, type Dispatcher } from 'undici';
import { headerValue, parseRetryAfter } from '@afilnet-chat/core/transport';
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

/** The outcome an answer's status decides, once the receiver gave one. */
function answered(status: number, retryAfter: string | undefined): AttemptOutcome {
  if (status >= 200 && status < 300) return { ok: true, status };
  const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(retryAfter) : undefined;
  const reason =
    status >= 300 && status < 400
      ? `HTTP ${status} (redirects are not followed)`
      : `HTTP ${status}`;
  return retryAfterMs === undefined
    ? { ok: false, status, reason }
    : { ok: false, status, retryAfterMs, reason };
}

/** `network failure` and the error's code (`ECONNREFUSED`…), its cause's, or its name. */
function networkFailure(error: unknown): Failure {
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

/** A failed attempt's outcome. */
type Failure = Extract<AttemptOutcome, { ok: false }>;

/** What ends an exchange that had no status line (undici gives one before any body). */
const NO_STATUS: Failure = { ok: false, reason: 'no status line' };

/**
 * One attempt as undici's dispatch handler: it keeps the status (and `Retry-After` on a 429 or
 * 503), counts the answer's body without keeping it, and settles {@link Attempt.outcome} once.
 * Once the status line has come, the status decides, whatever happens to the body after it; before
 * it, the time limit, `signal` or the network failure does. One timer and, when a `signal` is
 * given, one listener per attempt: `undici.request` with `AbortSignal.timeout` and
 * `AbortSignal.any` made a signal, a listener, a body stream and an async resource per attempt.
 */
class Attempt implements Dispatcher.DispatchHandler {
  readonly outcome: Promise<AttemptOutcome>;
  private settle!: (outcome: AttemptOutcome) => void;
  private settled = false;
  private abortRequest: ((error?: Error) => void) | undefined = undefined;
  private status = 0;
  private retryAfter: string | undefined = undefined;
  private received = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly onStop = () => this.end({ ok: false, reason: 'stopped' });

  constructor(
    timeoutMs: number,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.outcome = new Promise((resolve) => {
      this.settle = resolve;
    });
    this.timer = setTimeout(
      () => this.end({ ok: false, reason: `timeout after ${timeoutMs} ms` }),
      timeoutMs,
    );
    // An attempt never keeps the process up on its own: the socket it waits on does.
    this.timer.unref();
    signal?.addEventListener('abort', this.onStop, { once: true });
  }

  onConnect(abortRequest: (error?: Error) => void): void {
    if (this.settled) abortRequest();
    else this.abortRequest = abortRequest;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[] | string[] | null): boolean {
    // 1xx informational answers come before the real one.
    if (statusCode < 200) return true;
    this.status = statusCode;
    if ((statusCode === 429 || statusCode === 503) && rawHeaders !== null)
      this.retryAfter = headerValue(rawHeaders, 'retry-after', util.headerNameToString);
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.received += chunk.length;
    if (this.received <= MAX_ANSWER_BYTES) return true;
    // Past the limit the connection is dropped rather than drained.
    this.end(NO_STATUS);
    return false;
  }

  onComplete(): void {
    this.abortRequest = undefined;
    this.end(NO_STATUS);
  }

  onError(error: Error): void {
    this.abortRequest = undefined;
    this.end(networkFailure(error));
  }

  /**
   * Settles once: with the status's outcome when the receiver gave one, else with `unanswered`;
   * then ends the exchange in undici if it still runs (undici then calls `onError`, by then a
   * no-op).
   */
  private end(unanswered: Failure): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.signal?.removeEventListener('abort', this.onStop);
    this.settle(this.status === 0 ? unanswered : answered(this.status, this.retryAfter));
    this.abortRequest?.(new Error(unanswered.reason));
  }
}

/**
 * Posts `body` as the event `id`, signed now, and says how the receiver answered. Never throws:
 * a network failure, a timeout or `signal` firing is a failed attempt.
 *
 * Headers: `content-type: application/json`, `webhook-id`, `webhook-timestamp` (seconds),
 * `webhook-signature` (`v1,<base64 HMAC-SHA256>`); each attempt is signed with its own timestamp,
 * since receivers refuse old ones. Sent with `dispatch()` on the target's dispatcher (undici's
 * global one when none is given), as the client sends its calls.
 */
export function postWebhook(
  target: WebhookTarget,
  id: string,
  body: string,
  signal?: AbortSignal,
): Promise<AttemptOutcome> {
  if (signal?.aborted) return Promise.resolve({ ok: false, reason: 'stopped' });
  const now = new Date();
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': target.signer.sign(id, now, body),
  };
  if (target.userAgent !== undefined) headers['user-agent'] = target.userAgent;
  const attempt = new Attempt(target.timeoutMs ?? WEBHOOK_TIMEOUT_MS, signal);
  const { url } = target;
  try {
    (target.dispatcher ?? getGlobalDispatcher()).dispatch(
      { origin: url.origin, path: `${url.pathname}${url.search}`, method: 'POST', headers, body },
      attempt,
    );
  } catch (error) {
    attempt.onError(error instanceof Error ? error : new Error(String(error)));
  }
  return attempt.outcome;
}
