/**
 * The default executor: `undici.request` over one pooled keep-alive `Agent` per client, or over
 * the user's own `dispatcher` (SPEC §6).
 */
import { Agent, request, type Dispatcher } from 'undici';
import type { HttpExecutor, HttpRequest, HttpResponse, HttpSendOptions } from './http-executor.js';
import { responseTooLarge, toTransportError } from './network-error.js';
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
  const dispatcher: Dispatcher = options.dispatcher ?? (owned as Agent);
  const limit = options.maxResponseBytes;

  async function send(req: HttpRequest, { signal }: HttpSendOptions): Promise<HttpResponse> {
    if (signal.aborted) throw toTransportError(signal.reason, signal, false);
    let response: Dispatcher.ResponseData;
    try {
      response = await request(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body,
        dispatcher,
        signal,
        headersTimeout: timeouts.headersMs,
        bodyTimeout: timeouts.bodyMs,
        // Nothing is repeated below the client: it alone decides what may be retried.
        idempotent: false,
      });
    } catch (error) {
      throw toTransportError(error, signal, true);
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
      throw toTransportError(error, signal, true);
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
