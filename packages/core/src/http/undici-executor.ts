/**
 * The default executor: `undici.request` over one pooled keep-alive `Agent` per client, or over
 * the user's own `dispatcher` (SPEC §6).
 */
import { Agent, request, type Dispatcher } from 'undici';
import type { HttpExecutor, HttpRequest, HttpResponse, HttpSendOptions } from './http-executor.js';
import { responseTooLarge, toTransportError } from './network-error.js';
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
  const owned =
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
  const dispatcher = tracked ?? base;
  const limit = options.maxResponseBytes;

  async function send(req: HttpRequest, { signal }: HttpSendOptions): Promise<HttpResponse> {
    if (signal.aborted) throw toTransportError(signal.reason, signal, false, req.url);
    const record = new ConnectRecord(signal);
    // Without tracking, assume the worst: the request may have been written.
    const mayHaveWritten = () => tracked === undefined || record.connected;
    let response: Dispatcher.ResponseData<ConnectRecord>;
    try {
      const pending = request(req.url, {
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
    async close() {
      if (owned) await owned.close();
    },
  };
}
