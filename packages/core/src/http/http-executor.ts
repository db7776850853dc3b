/**
 * The narrow HTTP interface every transport sends through. The client owns one
 * executor; transports never create connections of their own, so timeouts, abort, the
 * connection pool, a user's `dispatcher` and the response-size cap apply to every request,
 * token requests included.
 */
/** One HTTP request, fully encoded. */
export interface HttpRequest {
  /** The HTTP method. */
  readonly method: 'GET' | 'POST';
  /** The absolute URL, query included. */
  readonly url: string;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  /** The encoded body (form, XML or JSON), sent as UTF-8. */
  readonly body?: string;
}

/** One HTTP response, its body read whole (within the size cap) and decoded as UTF-8. */
export interface HttpResponse {
  /** The HTTP status code. */
  readonly status: number;
  /** Header names in lower case; repeated headers joined with `, `. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body as text. */
  readonly body: string;
  /**
   * The body's bytes, a UTF-8 byte-order mark left out, when the executor kept them (the undici
   * executor does; `fetch`'s gives text only); `body` is their text. A reader must not change
   * them.
   */
  readonly bytes?: Uint8Array;
}

/**
 * Per-request options. A transport passes its call context (`TransportCallContext`) as is for the call's
 * own requests (it has this shape), and `{ signal }` for a request that has its own signal.
 */
export interface HttpSendOptions {
  /** Ends the request; the executor then throws `AfilnetTransportError` code `ABORTED`. */
  readonly signal: AbortSignal;
}

/**
 * Sends requests. Throws `AfilnetTransportError` with code `NETWORK` (connection refused, reset,
 * body cut short), `ABORTED` (the signal fired) or `RESPONSE_TOO_LARGE`; its `mayHaveBeenSent`
 * tells whether any byte of the request may have been written. Any HTTP status is a response,
 * not an error.
 */
export interface HttpExecutor {
  /** Sends one request and reads its whole response, within the client's timeouts and size cap. */
  send(request: HttpRequest, options: HttpSendOptions): Promise<HttpResponse>;
  /**
   * Loads what the executor needs before its first exchange (undici, for the default one). The
   * client awaits it before a call's deadline starts, as it awaits loading the transport, so a
   * one-time import never eats into a call's `timeoutMs`. Throws what `send` would.
   */
  prepare?(): Promise<void>;
  /** Closes the connections the executor owns (never a user's `dispatcher`). */
  close(): Promise<void>;
}
