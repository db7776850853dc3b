/**
 * The default executor: undici over one pooled keep-alive `Agent` per client, or over the
 * user's own `dispatcher`, which the client never closes. undici is imported by the first
 * request, not with core: it is the largest part of core's import cost, and a client on `fetch`
 * never needs it.
 *
 * Requests go straight to the dispatcher's `dispatch()` with a {@link BufferedResponse} handler
 * rather than through `undici.request`, whose per-request `AbortSignal` listener, `Readable`
 * body and async resource were most of the client's cost above the HTTP exchange itself
 * (bench/profiling-notes.md, findings 1 and 2). A call's context carries its {@link AbortHook},
 * listened to directly; a request that comes with a plain `AbortSignal` (a token request) is
 * adapted to one. The
 * handler also sees the moment undici is about to write the request, so a failure's
 * `mayHaveBeenSent` is exact (true once a byte may have been written), and an abort ends a
 * request still waiting for its
 * connection at once.
 *
 * undici is imported with a literal specifier: Node still evaluates it only at the first request,
 * and a bundler follows it, so a self-contained bundle carries it. Where it cannot be evaluated
 * (an ESM bundle without a `require` for undici's CommonJS code), the executor sends with the
 * global `fetch` instead, and a `NODE_DEBUG=afilnet-chat` line says why.
 */
import type { Agent, Dispatcher } from 'undici';
import { abortHookOf, SignalAbortHook, type AbortHook } from '../retry/abort-hook.js';
import { debugLog } from '../diagnostics/debug-log.js';
import { AfilnetTransportError } from '../errors/errors.js';
import { BufferedResponse } from './buffered-response.js';
import { createFetchExecutor } from './fetch-executor.js';
import type { HttpExecutor, HttpRequest, HttpResponse, HttpSendOptions } from './http-executor.js';
import { createRequestTargets, type RequestTarget } from './request-target.js';
import { sanitizeCause, toTransportError } from './network-error.js';
import { DEFAULT_PHASE_TIMEOUTS, type PhaseTimeouts } from './phase-timeouts.js';

type Undici = typeof import('undici');

/** undici once imported; `null` once it could not be. */
let undici: Undici | null | undefined;

let loading: Promise<Undici | null> | undefined;

/**
 * Imports undici once per process; `null` when it cannot be evaluated (then never asked again).
 * Throws nothing.
 */
function loadUndici(): Promise<Undici | null> {
  loading ??= import('undici').then(
    (lib: Undici) => (undici = lib),
    (error: unknown) => {
      debugLog()?.(
        `executor fetch: undici could not be loaded (${sanitizeCause(error).message}), so the client uses the global fetch; ` +
          "in an ESM bundle, give undici's CommonJS code a require (esbuild: --banner:js=\"import{createRequire}from'node:module';const require=createRequire(import.meta.url);\")",
      );
      return (undici = null);
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
    if (closed)
      return Promise.reject(
        new AfilnetTransportError('ABORTED', 'The client was closed before the request was sent'),
      );
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

  // Where undici cannot be loaded, requests go through fetch, with the same options; fetch then
  // reads the request's signal, which a call context makes on demand.
  let fallback: HttpExecutor | undefined;
  const viaFetch = () => (fallback ??= createFetchExecutor(options));

  async function sendAfterLoading(
    req: HttpRequest,
    abort: AbortHook,
    options: HttpSendOptions,
  ): Promise<HttpResponse> {
    if (abort.aborted) throw toTransportError(abort.reason, abort, false, req.url);
    const lib = await loadUndici();
    return lib === null ? viaFetch().send(req, options) : exchange(lib, req, abort);
  }

  function sendWith(
    req: HttpRequest,
    abort: AbortHook,
    options: HttpSendOptions,
  ): Promise<HttpResponse> {
    if (undici === undefined) return sendAfterLoading(req, abort, options);
    return undici === null ? viaFetch().send(req, options) : exchange(undici, req, abort);
  }

  return {
    send(req: HttpRequest, options: HttpSendOptions): Promise<HttpResponse> {
      const hook = abortHookOf(options);
      if (hook !== undefined) return sendWith(req, hook, options);
      const abort = new SignalAbortHook(options.signal);
      return sendWith(req, abort, options).finally(() => abort.release());
    },
    async prepare() {
      await loadUndici();
    },
    async close() {
      closed = true;
      if (owned) await owned.close();
      await fallback?.close();
    },
  };
}
