/**
 * The `fetch` executor: the global `fetch`, looked up per request, or one the user passes;
 * redirects are not followed. It exists so that
 * tools that intercept `fetch` (nock, msw) see every request of the client.
 *
 * `fetch` never says whether it wrote a request, so once one is handed to it, a failure's
 * `mayHaveBeenSent` is true, unless the error's code says no connection was ever made (a refused
 * connection, a DNS failure). Only the undici executor, which sees the moment a request is
 * written, knows more.
 */
import type { Dispatcher } from 'undici';
import type { HttpExecutor, HttpRequest, HttpResponse, HttpSendOptions } from './http-executor.js';
import {
  phaseTimeout,
  responseTooLarge,
  sanitizeCause,
  toTransportError,
  type TimeoutPhase,
} from './network-error.js';
import { DEFAULT_PHASE_TIMEOUTS, type PhaseTimeouts } from './phase-timeouts.js';

/** A function with the shape of the WHATWG `fetch`. */
export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

/** Options of {@link createFetchExecutor}. */
export interface FetchExecutorOptions {
  /** The fetch to use; the global one when left out. */
  readonly fetch?: FetchFunction;
  /** A user's dispatcher, passed to fetch as its `dispatcher` option. */
  readonly dispatcher?: Dispatcher;
  /** The largest response body accepted, in bytes. */
  readonly maxResponseBytes: number;
  /** Per-phase timeouts; with fetch, connecting counts towards `headersMs`. */
  readonly timeouts?: PhaseTimeouts;
}

/**
 * Creates an executor sending with `fetch`. Throws nothing; its `send` throws
 * `AfilnetTransportError` as described on {@link HttpExecutor}.
 */
export function createFetchExecutor(options: FetchExecutorOptions): HttpExecutor {
  const limit = options.maxResponseBytes;
  const dispatcher = options.dispatcher;
  const timeouts = options.timeouts ?? DEFAULT_PHASE_TIMEOUTS;

  async function send(req: HttpRequest, { signal }: HttpSendOptions): Promise<HttpResponse> {
    if (signal.aborted) throw toTransportError(signal.reason, signal, false, req.url);
    // fetch has no phase timeouts of its own: a second controller ends the exchange when a phase
    // overruns, and the call's signal is forwarded to it by a listener rather than combined with
    // AbortSignal.any, whose result Node 20 may collect while fetch still depends on it.
    const phase = new AbortController();
    const forward = () => phase.abort(signal.reason);
    signal.addEventListener('abort', forward, { once: true });
    try {
      return await exchange(req, signal, phase);
    } finally {
      signal.removeEventListener('abort', forward);
    }
  }

  async function exchange(
    req: HttpRequest,
    signal: AbortSignal,
    phase: AbortController,
  ): Promise<HttpResponse> {
    // Looked up per call, so that interceptors installed after the client was made still apply.
    const fetchImpl: FetchFunction = options.fetch ?? (globalThis.fetch as FetchFunction);
    let overran: TimeoutPhase | undefined;
    const startPhase = (name: TimeoutPhase, ms: number) =>
      setTimeout(() => {
        overran = name;
        phase.abort();
      }, ms);
    // Handed to fetch, the request may have been written: fetch does not tell.
    const failed = (error: unknown) =>
      overran !== undefined && !signal.aborted
        ? phaseTimeout(overran, true, sanitizeCause(error))
        : toTransportError(error, signal, true, req.url);

    let response: Response;
    let timer = startPhase('headers', timeouts.headersMs);
    try {
      const init: Record<string, unknown> = {
        method: req.method,
        headers: req.headers,
        signal: phase.signal,
        redirect: 'manual',
      };
      if (req.body !== undefined) init.body = req.body;
      if (dispatcher !== undefined) init.dispatcher = dispatcher;
      // `dispatcher` is undici's extension of RequestInit; Node's bundled typings name an older undici.
      response = await fetchImpl(req.url, init as RequestInit);
    } catch (error) {
      throw failed(error);
    } finally {
      clearTimeout(timer);
    }
    const declared = Number(response.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > limit) {
      await response.body?.cancel().catch(() => undefined);
      throw responseTooLarge(limit);
    }
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name] = value;
    });
    if (response.body === null) return { status: response.status, headers, body: '' };
    const reader = response.body.getReader();
    const decoder = new TextDecoder('utf-8');
    let text = '';
    let size = 0;
    try {
      for (;;) {
        timer = startPhase('body', timeouts.bodyMs);
        const { done, value } = await reader.read();
        clearTimeout(timer);
        if (done) break;
        size += value.byteLength;
        if (size > limit) {
          await reader.cancel().catch(() => undefined);
          throw responseTooLarge(limit);
        }
        text += decoder.decode(value, { stream: true });
      }
      text += decoder.decode();
    } catch (error) {
      clearTimeout(timer);
      await reader.cancel().catch(() => undefined);
      throw failed(error);
    }
    return { status: response.status, headers, body: text };
  }

  return { send, close: async () => undefined };
}
