/**
 * One response received through undici's dispatch handler interface and read whole into memory
 * (capped at `maxResponseBytes`): no `Readable` stream, no async iterator, and no `AbortSignal`
 * listener per request;
 * the call's {@link AbortHook} ends it instead.
 *
 * It uses undici 7's handler methods `onConnect`/`onHeaders`/`onData`/`onComplete`/`onError`,
 * which its `Client` calls directly; a handler with the newer `onRequestStart`/`onResponse*`
 * methods is wrapped in an adapter per request.
 */
import type { Dispatcher } from 'undici';
import type { AbortHook } from '../retry/abort-hook.js';
import { declaredLength, flattenHeaders } from './flatten-headers.js';
import type { HttpResponse } from './http-executor.js';
import { responseTooLarge, toTransportError } from './network-error.js';

const UTF8_BOM = [0xef, 0xbb, 0xbf] as const;
const EMPTY_BODY = Buffer.alloc(0);

/** No response headers: until `onHeaders` runs, and for an answer without any. */
const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

/**
 * The response handed to the transport. Its headers are flattened into an object the first time
 * they are read, which for a call that succeeds is never (core reads `Retry-After` on a failure):
 * making one string per header and the object was most of the handler's own cost. undici's raw
 * header list is a new array per response, and its buffers views of the socket's read chunks,
 * which Node allocates per read and never reuses, so they may be read after `onComplete`.
 * `headers` is an accessor of the class rather than of each object: an object literal's getter
 * costs a runtime call per response.
 */
class ReceivedResponse implements HttpResponse {
  #headers: Readonly<Record<string, string>> | undefined = undefined;
  #body: string | undefined = undefined;
  readonly #raw: ReadonlyArray<Buffer | string> | null;
  readonly #nameOf: (name: Buffer | string) => string;

  constructor(
    readonly status: number,
    raw: ReadonlyArray<Buffer | string> | null,
    nameOf: (name: Buffer | string) => string,
    readonly bytes: Buffer,
  ) {
    this.#raw = raw;
    this.#nameOf = nameOf;
  }

  get headers(): Readonly<Record<string, string>> {
    this.#headers ??= this.#raw === null ? NO_HEADERS : flattenHeaders(this.#raw, this.#nameOf);
    return this.#headers;
  }

  /**
   * The text of `bytes`, made when first read: a reader of the bytes (a listener's repeated
   * list, see wire/listing-filter.ts) spares the text of a large answer.
   */
  get body(): string {
    this.#body ??= this.bytes.toString('utf8');
    return this.#body;
  }
}

/** The body's bytes; a UTF-8 byte-order mark is dropped, as `fetch` and undici's `text()` do. */
function bodyBytes(whole: Buffer): Buffer {
  return whole.length >= 3 &&
    whole[0] === UTF8_BOM[0] &&
    whole[1] === UTF8_BOM[1] &&
    whole[2] === UTF8_BOM[2]
    ? whole.subarray(3)
    : whole;
}

/**
 * A dispatch handler that settles {@link BufferedResponse.promise} with the response, or rejects
 * it with `AfilnetTransportError` (`ABORTED` when `abort` fires, `RESPONSE_TOO_LARGE` past
 * `limit` bytes, or what `toTransportError` makes of undici's error for `url`).
 *
 * undici calls `onConnect` on a connected socket just before it writes the request, and never
 * for a request aborted first: a failure before it says `mayHaveBeenSent: false`, and
 * an abort before it rejects at once rather than wait for a connection, and has undici drop the
 * request unwritten when its connection comes.
 */
export class BufferedResponse implements Dispatcher.DispatchHandler {
  readonly promise: Promise<HttpResponse>;
  private resolve!: (response: HttpResponse) => void;
  private reject!: (error: unknown) => void;
  private settled = false;
  private written = false;
  private abortRequest: ((error?: Error) => void) | undefined = undefined;
  private status = 0;
  private rawHeaders: ReadonlyArray<Buffer | string> | null = null;
  // Nearly every answer of this API arrives in one chunk: it is kept as is, and an array is made
  // only for a second one, rather than an array per request.
  private first: Buffer | undefined = undefined;
  private more: Buffer[] | undefined = undefined;
  private size = 0;
  private readonly onAbort = () => this.fail(this.abort.reason);

  constructor(
    private readonly abort: AbortHook,
    private readonly limit: number,
    private readonly url: string,
    private readonly headerName: (name: Buffer | string) => string,
  ) {
    this.promise = new Promise<HttpResponse>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    abort.onAbort(this.onAbort);
  }

  onConnect(abortRequest: (error?: Error) => void): void {
    // Already failed (aborted while the request waited for a connection): never write it.
    if (this.settled) abortRequest();
    else {
      this.written = true;
      this.abortRequest = abortRequest;
    }
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[] | string[] | null): boolean {
    // 1xx informational answers come before the real one.
    if (statusCode < 200) return true;
    this.status = statusCode;
    this.rawHeaders = rawHeaders;
    if (rawHeaders === null) return true;
    const declared = declaredLength(rawHeaders, this.headerName);
    if (declared > this.limit) {
      this.fail(responseTooLarge(this.limit));
      return false;
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.settled) return false;
    this.size += chunk.length;
    if (this.size > this.limit) {
      this.fail(responseTooLarge(this.limit));
      return false;
    }
    if (this.first === undefined) this.first = chunk;
    else (this.more ??= [this.first]).push(chunk);
    return true;
  }

  onComplete(): void {
    if (this.settled) return;
    this.settled = true;
    this.abort.offAbort(this.onAbort);
    const whole =
      this.more !== undefined ? Buffer.concat(this.more, this.size) : (this.first ?? EMPTY_BODY);
    this.resolve(
      new ReceivedResponse(this.status, this.rawHeaders, this.headerName, bodyBytes(whole)),
    );
  }

  onError(error: Error): void {
    this.fail(error);
  }

  /** Rejects once, then ends the exchange in undici (which calls `onError`, by then a no-op). */
  private fail(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.abort.offAbort(this.onAbort);
    this.reject(toTransportError(error, this.abort, this.written, this.url));
    this.abortRequest?.(error instanceof Error ? error : undefined);
  }
}
