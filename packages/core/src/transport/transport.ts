/**
 * The one interface every transport implements. A transport is only encoding,
 * authentication and I/O: core validates the input before `send`, and decodes the answer and
 * maps errors after it.
 */
import type { ChatMethod } from '../wire/methods.js';
import type { HttpExecutor, HttpResponse, HttpSendOptions } from '../http/http-executor.js';
import type { SecurityRating } from './security.js';

/** A validated request in wire terms. */
export interface WireRequest {
  /** The API method, as named on the wire (`sendmessage`). */
  readonly method: ChatMethod;
  /** `[wireName, value]` pairs in the order of Afilnet's documentation; optional parameters left out when absent. */
  readonly params: ReadonlyArray<readonly [string, string]>;
}

/**
 * What came back, before core decodes it:
 * - `envelope`: the body parsed into the common envelope's shape (`{status, result | error}`),
 *   not yet validated;
 * - `unparseable`: the body is not JSON / XML the transport can read;
 * - `fault`: a SOAP Fault.
 */
export type WirePayload =
  | {
      /** The body parsed. */
      readonly kind: 'envelope';
      /** The parsed body, checked by core's decoders. */
      readonly value: unknown;
    }
  | {
      /** The body could not be read. */
      readonly kind: 'unparseable';
      /** Why, for the `MALFORMED_RESPONSE` message; never the body itself. */
      readonly reason: string;
    }
  | {
      /** A SOAP Fault. */
      readonly kind: 'fault';
      /** The Fault's `faultcode`. */
      readonly faultCode: string;
      /** The Fault's `faultstring`. */
      readonly faultString: string;
    };

/** The answer to a {@link WireRequest}. */
export interface WireResponse {
  /** The HTTP status code. */
  readonly httpStatus: number;
  /** The response headers (lower-case names); core reads `retry-after` from them. */
  readonly headers?: Readonly<Record<string, string>>;
  /** The body, as far as the transport could read it. */
  readonly payload: WirePayload;
}

/** A {@link WireResponse} whose headers are its HTTP response's, read when asked for. */
class WireAnswer implements WireResponse {
  readonly httpStatus: number;
  readonly #response: HttpResponse;

  constructor(
    response: HttpResponse,
    readonly payload: WirePayload,
  ) {
    this.httpStatus = response.status;
    this.#response = response;
  }

  get headers(): Readonly<Record<string, string>> {
    return this.#response.headers;
  }
}

/**
 * The {@link WireResponse} of `response` and its `payload`, as the built-in transports answer:
 * its `headers` are `response`'s, read only when something asks for them (core does on a
 * failure, for `Retry-After`), so that the default executor never turns the raw headers of a
 * successful call into an object. Throws nothing.
 */
export function wireResponse(response: HttpResponse, payload: WirePayload): WireResponse {
  return new WireAnswer(response, payload);
}

/**
 * What a transport is handed for each call. It is also the send options of the call's requests:
 * pass it as is to `http.send(request, context)`. The client's executor then follows the call's
 * abort without making its `AbortSignal` (a controller and listeners per call), which is made
 * only if something reads `signal`.
 */
export interface TransportCallContext extends HttpSendOptions {
  /** The client's executor: every request goes through it. */
  readonly http: HttpExecutor;
  /** Fires on the call's deadline or the caller's abort; made on first read. */
  readonly signal: AbortSignal;
  /**
   * The time left before the call's deadline, in ms; the client always sets it, a context made
   * by hand may leave it out. A transport waiting on something optional (another process's token
   * request) gives up in time to do the work itself.
   */
  remainingMs?(): number;
  /**
   * Registers a secret that appears only at run time (a bearer token) so that the client's
   * redactor removes it from every error and diagnostic. It is held until the call has ended;
   * once a newer secret replaced it and no call in flight holds it, the redactor forgets it.
   */
  readonly registerSecret: (secret: string) => void;
}

/** A way of carrying calls to the API: one per flavour. */
export interface ChatTransport {
  /** The flavour's name, e.g. `soap`. */
  readonly name: string;
  /** How well it protects the credentials, checked against `minimumSecurity`. */
  readonly security: SecurityRating;
  /**
   * The secrets this transport carries (a password, a Basic header value, a client secret): the
   * client adds each to its redactor when it takes the transport, so none appears in an error,
   * a diagnostic or a log, whatever field or encoding it travels in.
   */
  readonly secrets?: readonly string[];
  /** Encodes, authenticates and sends one request; answers what came back. */
  send(request: WireRequest, context: TransportCallContext): Promise<WireResponse>;
  /** Releases what the transport holds (caches, timers); the client calls it on `close()`. */
  close?(): Promise<void>;
}

/** Account credentials. */
export interface Credentials {
  /** The user of the Afilnet account: its e-mail address. */
  readonly user: string;
  /** The account's password; kept out of every error and log. */
  readonly password: string;
}

/** Paths of the API's doors, each relative to `baseUrl`. */
export interface ApiPaths {
  /** The GET and POST flavours' door (`/api/http/`). */
  readonly http: string;
  /** The Basic auth flavour's door (`/api/basic/`). */
  readonly basic: string;
  /** The SOAP flavour's door (`/api/soap/`). */
  readonly soap: string;
  /** The JSON + OAuth 2.0 flavour's door (`/api/json/`), its token endpoint beside it. */
  readonly json: string;
}

/** The default paths. */
export const DEFAULT_PATHS: ApiPaths = {
  http: '/api/http/',
  basic: '/api/basic/',
  soap: '/api/soap/',
  json: '/api/json/',
};
