/**
 * Which failures mean the server refused the credentials themselves, so that a rotated secret
 * may cure them: the API's `INCORRECT_USER_PASSWORD` (every transport, json-oauth included when
 * the account is the OAuth client), and a token endpoint refusing the client (RFC 6749 §5.2
 * `invalid_client` or `invalid_grant`, or HTTP 401). Nothing was done with a refused call.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */

const CLIENT_REFUSALS = new Set(['invalid_client', 'invalid_grant']);

/** True when `error` is a refusal of the credentials. Throws nothing. */
export function isCredentialRefusal(error: unknown): boolean {
  const failure = error as { code?: unknown; httpStatus?: unknown; oauthError?: unknown } | null;
  if (failure?.code === 'INCORRECT_USER_PASSWORD') return true;
  if (failure?.code !== 'TOKEN_ENDPOINT') return false;
  return (
    failure.httpStatus === 401 ||
    (typeof failure.oauthError === 'string' && CLIENT_REFUSALS.has(failure.oauthError))
  );
}
