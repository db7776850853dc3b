/**
 * The default executor: `undici.request` over one pooled keep-alive `Agent` per client, or over
 * the user's own `dispatcher` (SPEC §6). undici is imported by the first request, not with core:
 * it is the largest part of core's import cost, and a client on `fetch` never needs it (SPEC §9).
 */
import type { Agent, Dispatcher } from 'undici';
import { AfilnetTransportError } from '../errors.js';
import type { HttpExecutor, HttpRequest, HttpResponse, HttpSendOptions } from './http-executor.js';
import { responseTooLarge, sanitizeCause, toTransportError } from './network-error.js';
import { ConnectRecord, trackConnects } from './connect-tracker.js';
import { flattenHeaders } from './flatten-headers.js';
import { DEFAULT_PHASE_TIMEOUTS, type PhaseTimeouts } from './phase-timeouts.js';

/** Reads a body of unknown length, failing as soon as it passes `limit` bytes. */
async function readCapped(body: Dispatcher.ResponseData['body'], limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > limit) throw responseTooLarge(limit);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

/**
 * Settles with `pending`, or rejects as soon as `signal` fires while the request is still
 * unwritten: undici keeps such a request queued until a connection is ready (only then does it
 * drop it), and a deadline or abort must not wait for that.
 */
function endUnwrittenOnAbort<T>(pending: Promise<T>, signal: AbortSignal, record: ConnectRecord): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      if (!record.connected) reject(signal.reason);
    };
    // The signal may have fired while undici was still dispatching.
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    pending.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

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
 * Creates an executor sending with `undici.request`. Throws nothing; its `send` throws
 * `AfilnetTransportError` as described on {@link HttpExecutor}.
 */
export function createUndiciExecutor(options: UndiciExecutorOptions): HttpExecutor {
  const timeouts = options.timeouts ?? DEFAULT_PHASE_TIMEOUTS;
  const limit = options.maxResponseBytes;
  // The client's own Agent is made by the first request, never when the user gave a dispatcher.
  let owned: Agent | undefined;
  let pool: { dispatcher: Dispatcher; tracked: Dispatcher | undefined } | undefined;
  let closed = false;

  function poolOf({ Agent }: Undici): { dispatcher: Dispatcher; tracked: Dispatcher | undefined } {
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
    const base: Dispatcher = options.dispatcher ?? (owned as Agent);
    const tracked = trackConnects(base);
    pool = { dispatcher: tracked ?? base, tracked };
    return pool;
  }

  async function send(req: HttpRequest, { signal }: HttpSendOptions): Promise<HttpResponse> {
    if (signal.aborted) throw toTransportError(signal.reason, signal, false, req.url);
    const lib = undici ?? (await loadUndici());
    if (signal.aborted) throw toTransportError(signal.reason, signal, false, req.url);
    // A request that waited for undici's first import while the client closed must not open a
    // pool that nothing would close.
    if (closed) throw new AfilnetTransportError('ABORTED', 'The client was closed before the request was sent');
    const { dispatcher, tracked } = poolOf(lib);
    const record = new ConnectRecord(signal);
    // Without tracking, assume the worst: the request may have been written.
    const mayHaveWritten = () => tracked === undefined || record.connected;
    let response: Dispatcher.ResponseData<ConnectRecord>;
    try {
      const pending = lib.request(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body,
        dispatcher,
        signal,
        opaque: record,
        headersTimeout: timeouts.headersMs,
        bodyTimeout: timeouts.bodyMs,
        // Nothing is repeated below the client: it alone decides what may be retried.
        idempotent: false,
      });
      response = tracked === undefined ? await pending : await endUnwrittenOnAbort(pending, signal, record);
    } catch (error) {
      throw toTransportError(error, signal, mayHaveWritten(), req.url);
    }
    const { body } = response;
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      body.destroy();
      throw responseTooLarge(limit);
    }
    let text: string;
    try {
      // A declared length within the cap (every answer of this API) is read whole: no stream iterator.
      text = Number.isFinite(declared) ? await body.text() : await readCapped(body, limit);
    } catch (error) {
      body.destroy();
      throw toTransportError(error, signal, true, req.url);
    }
    return {
      status: response.statusCode,
      headers: flattenHeaders(response.headers),
      body: text,
    };
  }

  return {
    kind: 'undici',
    send,
    async prepare() {
      await loadUndici();
    },
    async close() {
      closed = true;
      if (owned) await owned.close();
    },
  };
}
