/**
 * The stable `code` of every error the SDK throws, as exported constants: compare against these
 * (`error.code === TransportErrorCode.RATE_LIMITED`) rather than against string literals. The
 * values are the strings the codes always had, so existing comparisons keep working.
 *
 * @see https://github.com/panva/oauth4webapi (the same practice: one documented constant per code)
 */

/** Codes of `AfilnetTransportError`: the exchange with the server gave no usable answer. */
export const TransportErrorCode = {
  /**
   * The connection failed: refused, reset, DNS failure, a body cut short. The message names the
   * `host:port` that failed (never a path, query or credential).
   */
  NETWORK: 'NETWORK',
  /**
   * The call's deadline (`timeoutMs`) fired, or a phase timeout (`timeouts.*`) ended an attempt.
   * Its `cause` is the last failure the deadline did not itself cause, if any. A call that stops
   * retrying before its deadline never ends with this code: it ends with the failure itself.
   */
  TIMEOUT: 'TIMEOUT',
  /** The caller's `signal` fired, or the client was closed. */
  ABORTED: 'ABORTED',
  /** A non-2xx answer without an API envelope; `httpStatus` says which, `retryAfterMs` is set on a 503 that asked for a wait. */
  HTTP_STATUS: 'HTTP_STATUS',
  /**
   * HTTP 429: the server refused the request because of its rate limit. `mayHaveBeenSent` is
   * always false, `retryAfterMs` holds the server's `Retry-After` (RFC 9110 §10.2.3) when it gave
   * one. Retried for reads and sends alike within the retry policy, never sooner than asked.
   */
  RATE_LIMITED: 'RATE_LIMITED',
  /** A 2xx answer that is not a well-formed API envelope of the method's shape. */
  MALFORMED_RESPONSE: 'MALFORMED_RESPONSE',
  /** The response body passed `maxResponseBytes`; reading stopped there. */
  RESPONSE_TOO_LARGE: 'RESPONSE_TOO_LARGE',
  /** A SOAP Fault (`faultCode`, `faultString`). */
  SOAP_FAULT: 'SOAP_FAULT',
  /**
   * The OAuth token endpoint gave no usable token (RFC 6749 §5.2 error, HTML, 5xx, no
   * `access_token`); `oauthError` holds the OAuth `error` string when the body names one.
   */
  TOKEN_ENDPOINT: 'TOKEN_ENDPOINT',
  /** The API refused the OAuth token twice, once after a renewal (HTTP 401). */
  UNAUTHORIZED: 'UNAUTHORIZED',
} as const;

/** One of {@link TransportErrorCode}. */
export type TransportErrorCode = (typeof TransportErrorCode)[keyof typeof TransportErrorCode];

/** Codes of `AfilnetValidationError`: refused before anything was sent. */
export const ValidationErrorCode = {
  /** A method's input is invalid; `issues` lists every problem. */
  INVALID_PARAMS: 'INVALID_PARAMS',
  /** A GET request would be longer than 4,000 characters: use the POST flavour. */
  URL_TOO_LONG: 'URL_TOO_LONG',
  /** The client's configuration is invalid (no transport, unknown name, unsafe credentials…). */
  INVALID_CONFIG: 'INVALID_CONFIG',
  /** An `http://` URL without `allowInsecureHttp: true`. */
  INSECURE_URL: 'INSECURE_URL',
  /** The transport is rated below `minimumSecurity`. */
  SECURITY_BELOW_MINIMUM: 'SECURITY_BELOW_MINIMUM',
  /** The package of a transport named by string is not installed; the message names it. */
  TRANSPORT_NOT_INSTALLED: 'TRANSPORT_NOT_INSTALLED',
} as const;

/** One of {@link ValidationErrorCode}. */
export type ValidationErrorCode = (typeof ValidationErrorCode)[keyof typeof ValidationErrorCode];

/**
 * The codes the Web Chat API documents for `AfilnetApiError`, and `UNKNOWN_CODE`. A
 * code the API adds later is kept as the server sent it when it has the shape of a code
 * (`[A-Z0-9_]{1,64}`), so `AfilnetApiError.code` is any such string; anything else is
 * `UNKNOWN_CODE`.
 */
export const ApiErrorCode = {
  /** No user was sent. */
  MISSING_USER: 'MISSING_USER',
  /** No password was sent. */
  MISSING_PASSWORD: 'MISSING_PASSWORD',
  /**
   * The user or password is wrong. Every transport gives this code, json-oauth included when it
   * authenticates as the account (its `cause` is then the token endpoint's `TOKEN_ENDPOINT` error).
   */
  INCORRECT_USER_PASSWORD: 'INCORRECT_USER_PASSWORD',
  /** No class was sent. */
  MISSING_CLASS: 'MISSING_CLASS',
  /** The class is not known. */
  INCORRECT_CLASS: 'INCORRECT_CLASS',
  /** No method was sent. */
  MISSING_METHOD: 'MISSING_METHOD',
  /** The method is not known. */
  INCORRECT_METHOD: 'INCORRECT_METHOD',
  /** A compulsory parameter is missing or empty. */
  MISSING_COMPULSORY_PARAM: 'MISSING_COMPULSORY_PARAM',
  /** No channel with that platform and platformid on this account. */
  CHANNEL_NOT_FOUND: 'CHANNEL_NOT_FOUND',
  /** No conversation with that destination on this channel. */
  CHAT_NOT_FOUND: 'CHAT_NOT_FOUND',
  /** The file type is not one the API accepts. */
  INCORRECT_FILETYPE: 'INCORRECT_FILETYPE',
  /** The file URL is not valid. */
  INCORRECT_FILEURL: 'INCORRECT_FILEURL',
  /** The thumbnail URL is not valid. */
  INCORRECT_THUMBURL: 'INCORRECT_THUMBURL',
  /**
   * Not the API's own: the server answered an error code that is not 1 to 64 of `A-Z`, `0-9`
   * and `_`, so it is not shown as a code (it could carry terminal escape sequences or any
   * length of text). The message quotes what the server sent, escaped and shortened.
   */
  UNKNOWN_CODE: 'UNKNOWN_CODE',
} as const;

/** One of the documented {@link ApiErrorCode}s. */
export type ApiErrorCode = (typeof ApiErrorCode)[keyof typeof ApiErrorCode];
