/**
 * The default executor: undici over one pooled keep-alive `Agent` per client, or over the
 * user's own `dispatcher` (SPEC §6).
 *
 * Requests go straight to the dispatcher's `dispatch()` with a {@link BufferedResponse} handler
 * rather than through `undici.request`, whose per-request `AbortSignal` listener, `Readable`
 * body and async resource were most of the client's cost above the HTTP exchange itself
 * (bench/profiling-notes.md, findings 1 and 2). The call's abort comes as an {@link AbortHook};
 * a request that comes with a plain `AbortSignal` (a token request) is adapted to one. The
 * handler also sees the moment undici is about to write the request, so a failure's
 * `mayHaveBeenSent` is exact (SPEC §10), and an abort ends a request still waiting for its
 * connection at once.
 */
import { Agent, type Dispatcher } from 'undici';
import { SignalAbortHook, type AbortHook } from '../abort-hook.js';
import { BufferedResponse } from './buffered-response.js';
import type { HttpExecutor, HttpRequest, HttpResponse, HttpSendOptions } from './http-executor.js';
import { toTransportError } from './network-error.js';
import { DEFAULT_PHASE_TIMEOUTS, type PhaseTimeouts } from './phase-timeouts.js';

/** Options of {@link createUndiciExecutor}. */
export interface UndiciExecutorOptions {
  /** A user's dispatcher (proxy, custom CA, mTLS): used as is and never closed by us. */
  readonly dispatcher?: Dispatcher;
  /** The largest response body accepted, in bytes. */
  readonly maxResponseBytes: number;
  /** Per-phase timeouts; `connectMs` applies to the executor's own Agent only. */
  readonly timeouts?: PhaseTimeouts;
}

/**
 * Creates an executor sending through undici. Throws nothing; its `send` throws
 * `AfilnetTransportError` as described on {@link HttpExecutor}.
 */
export function createUndiciExecutor(options: UndiciExecutorOptions): HttpExecutor {
  const timeouts = options.timeouts ?? DEFAULT_PHASE_TIMEOUTS;
  const owned =
    options.dispatcher === undefined
      ? new Agent({
          keepAliveTimeout: 10_000,
          connect: { timeout: timeouts.connectMs },
          headersTimeout: timeouts.headersMs,
          bodyTimeout: timeouts.bodyMs,
        })
      : undefined;
  const dispatcher: Dispatcher = options.dispatcher ?? (owned as Agent);
  const limit = options.maxResponseBytes;

  function exchange(req: HttpRequest, abort: AbortHook): Promise<HttpResponse> {
    if (abort.aborted) return Promise.reject(toTransportError(abort.reason, abort, false, req.url));
    let url: URL;
    try {
      url = new URL(req.url);
    } catch (error) {
      return Promise.reject(toTransportError(error, abort, false, req.url));
    }
    const response = new BufferedResponse(abort, limit, req.url);
    try {
      dispatcher.dispatch(
        {
          origin: url.origin,
          path: `${url.pathname}${url.search}`,
          method: req.method,
          headers: req.headers,
          body: req.body ?? null,
          headersTimeout: timeouts.headersMs,
          bodyTimeout: timeouts.bodyMs,
          // Nothing is repeated below the client: it alone decides what may be retried.
          idempotent: false,
        },
        response,
      );
    } catch (error) {
      response.onError(error instanceof Error ? error : new Error(String(error)));
    }
    return response.promise;
  }

  return {
    kind: 'undici',
    send(req: HttpRequest, options: HttpSendOptions): Promise<HttpResponse> {
      if (options.abort !== undefined) return exchange(req, options.abort);
      const abort = new SignalAbortHook(options.signal);
      return exchange(req, abort).finally(() => abort.release());
    },
    async close() {
      if (owned) await owned.close();
    },
  };
}
