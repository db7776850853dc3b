/**
 * The SDK's error hierarchy. Every error has a stable `code` (the constants of
 * `codes.ts`), an optional `cause`, and a `Symbol.for` brand, as undici's own errors do, so
 * that `instanceof` keeps working when two copies of core end up in one application.
 *
 * No error ever carries a password, client secret, bearer token or Basic header value: messages
 * are written from codes and option names, and every cause that crosses the client boundary is
 * passed through the client's redactor (see `redact.ts`).
 */
import type { ApiErrorCode, TransportErrorCode, ValidationErrorCode } from './codes.js';

const BRAND = Symbol.for('afilnet-chat.error');
const API_BRAND = Symbol.for('afilnet-chat.error.api');
const VALIDATION_BRAND = Symbol.for('afilnet-chat.error.validation');
const TRANSPORT_BRAND = Symbol.for('afilnet-chat.error.transport');

/**
 * Sets `name` as a string literal rather than from the constructor's name, which a minifier
 * renames; non-enumerable, like `Error.prototype.name`.
 */
function nameError(error: Error, name: string): void {
  Object.defineProperty(error, 'name', { value: name, enumerable: false, configurable: true });
}

function hasBrand(value: unknown, brand: symbol): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[brand] === true
  );
}

/** Base class of every error the SDK throws. */
export class AfilnetError extends Error {
  /** A stable, machine-readable code. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    nameError(this, 'AfilnetError');
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** True for an error of this class from any copy of core (a brand check, not the prototype chain). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, BRAND);
  }

  /** A plain-object form with the code and message (and the subclass' own fields). */
  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message };
  }
}

/** What an API error code looks like: the documented ones and any the API may add. */
const API_CODE_SHAPE = /^[A-Z0-9_]{1,64}$/;

/** The most of an unknown code's text a message quotes. */
const UNKNOWN_CODE_QUOTE_LENGTH = 80;

/**
 * `text` as a JSON string literal with DEL, C1 controls and the line and paragraph separators
 * escaped too (JSON leaves them raw), cut at {@link UNKNOWN_CODE_QUOTE_LENGTH} characters: a
 * quote of server text that cannot drive a terminal or flood a log.
 */
function quoteServerText(text: string): string {
  const cut =
    text.length > UNKNOWN_CODE_QUOTE_LENGTH ? `${text.slice(0, UNKNOWN_CODE_QUOTE_LENGTH)}…` : text;
  return JSON.stringify(cut).replace(
    /[\u007f-\u009f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function apiErrorMessage(code: string, known: boolean): string {
  if (!known)
    return `The Afilnet API answered an error that is not a well-formed code: ${quoteServerText(code)}`;
  return `The Afilnet API answered ${code}${API_HINTS[code] ? `: ${API_HINTS[code]}` : ''}`;
}

/**
 * The API answered with its own error envelope (`{"status":"error","error":"CODE"}`): `code` is
 * one of {@link ApiErrorCode} or, for a code the API adds later, the string the server sent.
 * Also the wrong-password error of json-oauth authenticating as the account.
 *
 * A code that is not 1 to 64 of `A-Z`, `0-9` and `_` becomes `UNKNOWN_CODE`, the server's text
 * quoted in the message with every control character escaped: a code is something programs
 * compare and people read on a terminal, and a server must not be able to send escape
 * sequences (retitling or clearing the terminal) through it.
 */
export class AfilnetApiError extends AfilnetError {
  /** The HTTP status the envelope came with (200 on most flavours, 401 for Basic auth). */
  readonly httpStatus: number;

  constructor(
    code: ApiErrorCode | (string & {}),
    options: { httpStatus: number; cause?: unknown },
  ) {
    const known = API_CODE_SHAPE.test(code);
    super(known ? code : 'UNKNOWN_CODE', apiErrorMessage(code, known), options);
    nameError(this, 'AfilnetApiError');
    this.httpStatus = options.httpStatus;
    Object.defineProperty(this, API_BRAND, { value: true });
  }

  /** True for an error of this class from any copy of core (a brand check, not the prototype chain). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, API_BRAND);
  }

  /** The base class's JSON with `httpStatus` added: what a log line records of the refusal. */
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), httpStatus: this.httpStatus };
  }
}

const API_HINTS: Readonly<Record<string, string>> = {
  MISSING_USER: 'no user was sent',
  MISSING_PASSWORD: 'no password was sent',
  MISSING_CLASS: 'no class was sent',
  MISSING_METHOD: 'no method was sent',
  MISSING_COMPULSORY_PARAM: 'a compulsory parameter is missing or empty',
  INCORRECT_USER_PASSWORD: 'the user or password is wrong',
  INCORRECT_CLASS: 'the class is not known',
  INCORRECT_METHOD: 'the method is not known',
  CHANNEL_NOT_FOUND: 'no channel with that platform and platformid on this account',
  CHAT_NOT_FOUND: 'no conversation with that destination on this channel',
  INCORRECT_FILETYPE: 'the file type is not one the API accepts',
  INCORRECT_FILEURL: 'the file URL is not valid',
  INCORRECT_THUMBURL: 'the thumbnail URL is not valid',
};

/** One problem found in a configuration or a method's input. */
export interface ValidationIssue {
  /** Where the problem is, e.g. `platformId` or `credentials.user`. */
  readonly path: string;
  /** What is wrong, never quoting a secret. */
  readonly message: string;
}

/** Bad input or configuration, found before anything was sent. */
export class AfilnetValidationError extends AfilnetError {
  /** What was wrong: one of the `ValidationErrorCode` constants. */
  declare readonly code: ValidationErrorCode;
  /** Every problem found, not just the first. */
  readonly issues: readonly ValidationIssue[];

  constructor(
    code: ValidationErrorCode,
    summary: string,
    options: { issues?: readonly ValidationIssue[]; cause?: unknown } = {},
  ) {
    const issues = options.issues ?? [];
    const detail = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
    super(code, detail ? `${summary} (${detail})` : summary, options);
    nameError(this, 'AfilnetValidationError');
    this.issues = issues;
    Object.defineProperty(this, VALIDATION_BRAND, { value: true });
  }

  /** True for an error of this class from any copy of core (a brand check, not the prototype chain). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, VALIDATION_BRAND);
  }

  /** The base class's JSON with every issue added (issues never quote a secret). */
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), issues: this.issues };
  }
}

/** Extra facts a transport error may carry. */
export interface TransportErrorDetails {
  /** True when a `sendmessage`/`sendfile` request may have reached the server. */
  readonly mayHaveBeenSent?: boolean;
  /** The HTTP status, when a response arrived. */
  readonly httpStatus?: number;
  /** SOAP `faultcode`, for `SOAP_FAULT`. */
  readonly faultCode?: string;
  /** SOAP `faultstring`, for `SOAP_FAULT`. */
  readonly faultString?: string;
  /** The OAuth `error` string (RFC 6749 §5.2), for `TOKEN_ENDPOINT`. */
  readonly oauthError?: string;
  /**
   * The wait the server asked for with `Retry-After` (RFC 9110 §10.2.3, delta-seconds or an
   * HTTP-date), in ms; set on `RATE_LIMITED` (429) and on `HTTP_STATUS` 503 when the server gave one.
   */
  readonly retryAfterMs?: number;
  /** The failure behind this one (sanitised: never a secret). */
  readonly cause?: unknown;
}

/** The exchange with the server failed: no usable answer arrived. */
export class AfilnetTransportError extends AfilnetError {
  /** What failed in the exchange: one of the `TransportErrorCode` constants. */
  declare readonly code: TransportErrorCode;
  /**
   * True when a `sendmessage`/`sendfile` request may have reached the server, so a resend could
   * duplicate the message; false when it provably did not, and for every read method.
   */
  readonly mayHaveBeenSent: boolean;
  /** The HTTP status, when a response arrived. */
  readonly httpStatus: number | undefined;
  /** SOAP `faultcode`, for `SOAP_FAULT`. */
  readonly faultCode: string | undefined;
  /** SOAP `faultstring`, for `SOAP_FAULT`. */
  readonly faultString: string | undefined;
  /** The OAuth `error` string (RFC 6749 §5.2), for `TOKEN_ENDPOINT`. */
  readonly oauthError: string | undefined;
  /**
   * The wait the server asked for with `Retry-After`, in ms: on `RATE_LIMITED` (429) and on a 503
   * `HTTP_STATUS`; undefined when the server gave none. The client never retries sooner.
   */
  readonly retryAfterMs: number | undefined;

  constructor(code: TransportErrorCode, message: string, details: TransportErrorDetails = {}) {
    super(code, message, details);
    nameError(this, 'AfilnetTransportError');
    this.mayHaveBeenSent = details.mayHaveBeenSent ?? false;
    this.httpStatus = details.httpStatus;
    this.faultCode = details.faultCode;
    this.faultString = details.faultString;
    this.oauthError = details.oauthError;
    this.retryAfterMs = details.retryAfterMs;
    Object.defineProperty(this, TRANSPORT_BRAND, { value: true });
  }

  /** True for an error of this class from any copy of core (a brand check, not the prototype chain). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(value, TRANSPORT_BRAND);
  }

  /** A copy of this error with other details (the message and cause are kept unless given). */
  with(
    changes: { code?: TransportErrorCode; message?: string } & TransportErrorDetails,
  ): AfilnetTransportError {
    return new AfilnetTransportError(changes.code ?? this.code, changes.message ?? this.message, {
      mayHaveBeenSent: changes.mayHaveBeenSent ?? this.mayHaveBeenSent,
      httpStatus: changes.httpStatus ?? this.httpStatus,
      faultCode: changes.faultCode ?? this.faultCode,
      faultString: changes.faultString ?? this.faultString,
      oauthError: changes.oauthError ?? this.oauthError,
      retryAfterMs: changes.retryAfterMs ?? this.retryAfterMs,
      cause: 'cause' in changes ? changes.cause : this.cause,
    });
  }

  /** The base class's JSON with `mayHaveBeenSent`, and the HTTP status and wait when known. */
  override toJSON(): Record<string, unknown> {
    const json: Record<string, unknown> = {
      ...super.toJSON(),
      mayHaveBeenSent: this.mayHaveBeenSent,
    };
    if (this.httpStatus !== undefined) json.httpStatus = this.httpStatus;
    if (this.faultCode !== undefined) json.faultCode = this.faultCode;
    if (this.faultString !== undefined) json.faultString = this.faultString;
    if (this.oauthError !== undefined) json.oauthError = this.oauthError;
    if (this.retryAfterMs !== undefined) json.retryAfterMs = this.retryAfterMs;
    return json;
  }
}
