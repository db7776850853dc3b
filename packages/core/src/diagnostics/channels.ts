/**
 * The client's diagnostic hooks (`onRequest`, `onResponse`, `onRetry`): what they receive.
 * Every payload has passed through the client's redactor, so a hook may log it as is.
 */
import { tracingChannel } from 'node:diagnostics_channel';
import type { AfilnetTransportError } from '../errors/errors.js';
import type { ChatMethod } from '../wire/methods.js';

/** An HTTP request about to be sent (token requests included). */
export interface RequestDiagnostic {
  /** The API method the request serves. */
  readonly method: ChatMethod;
  /** 1 for the first attempt of the call, 2 for the first retry, … */
  readonly attempt: number;
  /** The HTTP request as it goes out. */
  readonly http: {
    /** The HTTP method. */
    readonly method: 'GET' | 'POST';
    /** Secrets in the query string redacted. */
    readonly url: string;
    /** Credentials headers reduced to their scheme. */
    readonly headers: Readonly<Record<string, string>>;
    /** The body, secrets redacted in every encoding they could take. */
    readonly body?: string;
  };
}

/** An HTTP response received. */
export interface ResponseDiagnostic {
  /** The API method the request served. */
  readonly method: ChatMethod;
  /** The attempt it answers, as in {@link RequestDiagnostic}. */
  readonly attempt: number;
  /** The HTTP status code. */
  readonly status: number;
  /** The response headers, lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body as text, secrets redacted. */
  readonly body: string;
  /** From the request's start to the body's end, in milliseconds. */
  readonly durationMs: number;
}

/** A failed attempt about to be retried. */
export interface RetryDiagnostic {
  /** The API method being retried. */
  readonly method: ChatMethod;
  /** The attempt that failed. */
  readonly attempt: number;
  /** The wait before the next attempt. */
  readonly delayMs: number;
  /** Why the attempt failed (redacted). */
  readonly error: AfilnetTransportError;
}

/** The hooks a client may be given. A hook that throws is ignored: it never breaks a call. */
export interface DiagnosticHooks {
  /** Called before each HTTP request is sent. */
  readonly onRequest?: (event: RequestDiagnostic) => void;
  /** Called when each HTTP response has been read. */
  readonly onResponse?: (event: ResponseDiagnostic) => void;
  /** Called before each retry, with the failure and the wait. */
  readonly onRetry?: (event: RetryDiagnostic) => void;
}

/** Calls a hook, ignoring whatever it throws. */
export function notify<E>(hook: ((event: E) => void) | undefined, event: () => E): void {
  if (hook === undefined) return;
  try {
    hook(event());
  } catch {
    // A logging hook must never change the outcome of a call.
  }
}

/**
 * What the `afilnet-chat:call` channel publishes: the transport and the API method, and on
 * failure the `error` the caller receives (redacted, with its `code`). A call's result is not
 * published: it may hold messages and destinations.
 */
export interface CallChannelContext {
  /** The transport's name, e.g. `soap`. */
  readonly transport: string;
  /** The API method's wire name, e.g. `sendmessage`. */
  readonly method: ChatMethod;
  /** Set by the channel when the call fails. */
  error?: unknown;
}

/**
 * Every `diagnostics_channel` the SDK publishes on, made here and nowhere else, each publish
 * behind `hasSubscribers` so that an unheard channel costs nothing.
 *
 * `afilnet-chat:call` is a `TracingChannel` (`tracing:afilnet-chat:call:start`, `end`,
 * `asyncStart`, `asyncEnd`, `error`): one context object per call, the same across its events,
 * for APM agents that do not use OpenTelemetry.
 *
 * @see https://nodejs.org/api/diagnostics_channel.html#class-tracingchannel
 */
export const channels = {
  call: tracingChannel<unknown, CallChannelContext>('afilnet-chat:call'),
} as const;
