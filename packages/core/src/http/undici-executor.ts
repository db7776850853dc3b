/**
 * The default executor: undici over one pooled keep-alive `Agent` per client, or over the
 * user's own `dispatcher` (SPEC §6). undici is imported by the first request, not with core:
 * it is the largest part of core's import cost, and a client on `fetch` never needs it (SPEC §9).
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
import type { Agent, Dispatcher } from 'undici';
import { SignalAbortHook, type AbortHook } from '../abort-hook.js';
import { AfilnetTransportError } from '../errors.js';
import { BufferedResponse } from './buffered-response.js';
import type { HttpExecutor, HttpRequest, HttpResponse, HttpSendOptions } from './http-executor.js';
import { createRequestTargets, type RequestTarget } from './request-target.js';
import { sanitizeCause, toTransportError } from './network-error.js';
import { DEFAULT_PHASE_TIMEOUTS, type PhaseTimeouts } from './phase-timeouts.js';

type Undici = typeof import('undici');

let undici: Undici | undefined;

// The specifier is a variable so that bundlers leave undici out: undici's CommonJS requires of
// Node's built-ins cannot run inside an ESM bundle, and an app that bundles core resolves undici
// from its node_modules at run time instead.
const UNDICI = 'undici';

let loading: Promise<Undici> | undefined;

/**
 * Imports undici once per process.
 *
 * @throws {AfilnetTransportError} `NETWORK`, not sent, when undici cannot be imported (a bundle
 *   shipped without its node_modules): nothing can be sent without it.
 */
function loadUndici(): Promise<Undici> {
  loading ??= import(UNDICI).then(
    (lib: Undici) => (undici = lib),
    (error: unknown) => {
      loading = undefined;
      throw new AfilnetTransportError('NETWORK', "undici could not be loaded: install it, or use executor: 'fetch'", {
        mayHaveBeenSent: false,
        cause: sanitizeCause(error),
      });
    },
  );
  return loading;
}

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
  const limit = options.maxResponseBytes;
  // The client's own Agent is made by the first request, never when the user gave a dispatcher.
  let owned: Agent | undefined;
  let pool: Dispatcher | undefined;
  let closed = false;
  const targetOf = createRequestTargets();

  function poolOf({ Agent }: Undici): Dispatcher {
    if (pool) return pool;
    owned =
      options.dispatcher === undefined
        ? new Agent({
            keepAliveTimeout: 10_000,
            connect: { timeout: timeouts.connectMs },
            headersTimeout: timeouts.headersMs,
            bodyTimeout: timeouts.bodyMs,
          })
        : undefined;
    pool = options.dispatcher ?? (owned as Agent);
    return pool;
  }

  function exchange(lib: Undici, req: HttpRequest, abort: AbortHook): Promise<HttpResponse> {
    if (abort.aborted) return Promise.reject(toTransportError(abort.reason, abort, false, req.url));
    // A request that waited for undici's first import while the client closed must not open a
    // pool that nothing would close.
    if (closed) return Promise.reject(new AfilnetTransportError('ABORTED', 'The client was closed before the request was sent'));
    let target: RequestTarget;
    try {
      target = targetOf(req.url);
    } catch (error) {
      return Promise.reject(toTransportError(error, abort, false, req.url));
    }
    const response = new BufferedResponse(abort, limit, req.url, lib.util.headerNameToString);
    try {
      poolOf(lib).dispatch(
        {
          origin: target.origin,
          path: target.path,
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

  async function sendAfterLoading(req: HttpRequest, abort: AbortHook): Promise<HttpResponse> {
    if (abort.aborted) throw toTransportError(abort.reason, abort, false, req.url);
    return exchange(await loadUndici(), req, abort);
  }

  function sendWith(req: HttpRequest, abort: AbortHook): Promise<HttpResponse> {
    return undici === undefined ? sendAfterLoading(req, abort) : exchange(undici, req, abort);
  }

  return {
    kind: 'undici',
    send(req: HttpRequest, options: HttpSendOptions): Promise<HttpResponse> {
      if (options.abort !== undefined) return sendWith(req, options.abort);
      const abort = new SignalAbortHook(options.signal);
      return sendWith(req, abort).finally(() => abort.release());
    },
    async prepare() {
      await loadUndici();
    },
    async close() {
      closed = true;
      if (owned) await owned.close();
    },
  };
}
