/** Recognising the API's refusal of an access token (RFC 6750 §3.1, RFC 9449 §7.1). */
import { WWWAuthenticateChallengeError } from 'oauth4webapi';

/**
 * True when `error` is oauth4webapi's report of a 401 whose `WWW-Authenticate` holds a Bearer
 * (or DPoP) challenge with `error="invalid_token"`: the token expired or was revoked, and a new one may
 * succeed. Any other challenge (a missing token, `realm` only) is not.
 */
export function isInvalidTokenChallenge(error: unknown): boolean {
  return (
    error instanceof WWWAuthenticateChallengeError &&
    error.status === 401 &&
    error.cause.some(
      (challenge) =>
        (challenge.scheme === 'bearer' || challenge.scheme === 'dpop') &&
        challenge.parameters.error === 'invalid_token',
    )
  );
}

const BEARER_SCHEME = /(?:^|,)\s*bearer(?:\s|,|$)/i;
const INVALID_TOKEN_PARAM = /(?:^|[\s,])error\s*=\s*(?:"invalid_token"|invalid_token)(?:[\s,]|$)/i;

/**
 * The same judgement read straight off a Bearer call's answer (RFC 6750 §3): a 401 whose
 * `WWW-Authenticate` names the Bearer scheme with `error="invalid_token"`. Used for the API calls
 * the transport sends itself, so that no WHATWG `Response` is built per call.
 */
export function refusesBearerToken(status: number, wwwAuthenticate: string | undefined): boolean {
  return (
    status === 401 &&
    wwwAuthenticate !== undefined &&
    BEARER_SCHEME.test(wwwAuthenticate) &&
    INVALID_TOKEN_PARAM.test(wwwAuthenticate)
  );
}
