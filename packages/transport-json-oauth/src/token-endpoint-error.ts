/**
 * Turning whatever went wrong while getting a token into the SDK's error: an answer that gives no
 * usable token is `TOKEN_ENDPOINT`, with the OAuth `error` string when the body names one;
 * network failures, timeouts and aborts keep their own codes. Nothing failed here after the API
 * request was written, so `mayHaveBeenSent` is false (docs/json-oauth.md, "Errors").
 */
import { AfilnetApiError, AfilnetTransportError } from '@afilnet-chat/core';
import type { HttpResponse } from '@afilnet-chat/core/transport';
import { parseRetryAfter, sanitizeCause } from '@afilnet-chat/core/transport';
import { ResponseBodyError } from 'oauth4webapi';

/** Which step failed. */
export type TokenStep = 'discovery' | 'token';

/**
 * An RFC 6749 §5.2 error code: printable ASCII without `"` or `\`. Codes are short words
 * (`invalid_client`); anything longer is not a code but server text, which may quote the request
 * and with it the credentials, so it is never carried.
 */
const OAUTH_ERROR_CODE = /^[\x20\x21\x23-\x5B\x5D-\x7E]{1,64}$/;

/** `value` when it is a well-formed RFC 6749 §5.2 error code. */
function asOAuthErrorCode(value: unknown): string | undefined {
  return typeof value === 'string' && OAUTH_ERROR_CODE.test(value) ? value : undefined;
}

/** The RFC 6749 §5.2 `error` of a JSON body, if it names a well-formed one. */
export function oauthErrorOf(body: string | undefined): string | undefined {
  if (body === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(body);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return asOAuthErrorCode((value as Record<string, unknown>).error);
    }
  } catch {
    // Not JSON (an HTML error page, say): no OAuth error to report.
  }
  return undefined;
}

/**
 * The error for a failed token (or discovery) step. `raw` is the last response the step read,
 * whose body gives the OAuth `error` even when oauth4webapi raised a `WWW-Authenticate`
 * challenge error instead of reading it (a 401 with `WWW-Authenticate: Basic`, RFC 6749 §5.2).
 */
export function tokenEndpointError(
  error: unknown,
  raw: HttpResponse | undefined,
  step: TokenStep,
): AfilnetTransportError {
  if (error instanceof AfilnetTransportError && error.code !== 'RESPONSE_TOO_LARGE') {
    return error.with({ mayHaveBeenSent: false });
  }
  const oauthError =
    error instanceof ResponseBodyError ? asOAuthErrorCode(error.error) : oauthErrorOf(raw?.body);
  const status = raw?.status;
  // A busy token endpoint (429, 503) may say when to come back; the client's retry waits that long.
  const retryAfterMs = parseRetryAfter(raw?.headers['retry-after']);
  const facts = [status === undefined ? undefined : `HTTP ${status}`, oauthError].filter(
    (f) => f !== undefined,
  );
  const what =
    step === 'discovery'
      ? 'The authorization server metadata (RFC 8414) could not be read'
      : 'The token endpoint gave no usable access token';
  return new AfilnetTransportError(
    'TOKEN_ENDPOINT',
    facts.length > 0 ? `${what} (${facts.join(', ')})` : what,
    {
      mayHaveBeenSent: false,
      ...(status === undefined ? {} : { httpStatus: status }),
      ...(oauthError === undefined ? {} : { oauthError }),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      // oauth4webapi's errors hold the response and, for a malformed token response, its parsed
      // body, which may contain the access token: only name, code and message are kept.
      cause: error instanceof AfilnetTransportError ? error : sanitizeCause(error),
    },
  );
}

/** RFC 6749 §5.2 errors by which a token endpoint refuses the client's id or secret. */
const REFUSALS = new Set(['invalid_client', 'invalid_grant']);

/**
 * The error of a token request made as the account (no `oauth.clientId`): a token endpoint that
 * refuses the account (`invalid_client`, `invalid_grant` or HTTP 401) gave the answer a wrong user
 * or password gets from every other transport, so it becomes `AfilnetApiError`
 * `INCORRECT_USER_PASSWORD`, the `TOKEN_ENDPOINT` error its cause: an app that switches transport
 * keeps its error handling. Anything else is returned as it is.
 */
export function accountRefusal(error: unknown): unknown {
  if (!(error instanceof AfilnetTransportError) || error.code !== 'TOKEN_ENDPOINT') return error;
  const refused =
    error.httpStatus === 401 || (error.oauthError !== undefined && REFUSALS.has(error.oauthError));
  return refused
    ? new AfilnetApiError('INCORRECT_USER_PASSWORD', {
        httpStatus: error.httpStatus ?? 401,
        cause: error,
      })
    : error;
}
