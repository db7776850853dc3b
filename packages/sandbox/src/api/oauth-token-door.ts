/**
 * `POST /api/oauth/token`, the JSON flavour's token endpoint: the client credentials grant (RFC 6749 §4.4) for the sandbox's
 * accounts, their user and password being the client id and secret, with `client_secret_basic`
 * or `client_secret_post` (RFC 6749 §2.3.1), answered per RFC 6749 §5.1 and §5.2. A request with a
 * DPoP proof gets a token bound to the proof's key (RFC 9449 §5).
 */
import type { ServerResponse } from 'node:http';
import type { DpopProofVerifier } from '../oauth/dpop-proof.js';
import { formFields } from '../http/form-fields.js';
import { isFormContentType } from '../http/media-type.js';
import { readClientCredentials } from '../oauth/client-credentials.js';
import { type ApiDoor, UNREAD } from './api-door.js';
import type { TokenRegistry } from '../oauth/token-registry.js';
import { sendJson } from '../http/respond.js';

/** Token answers must never be cached (RFC 6749 §5.1). */
const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };
/** The challenge of an `invalid_client` answer (RFC 6749 §5.2). */
const BASIC_CHALLENGE = { 'www-authenticate': 'Basic realm="afilnet"' };

function oauthError(
  res: ServerResponse,
  status: number,
  error: string,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { error }, { ...NO_STORE, ...headers });
}

/** Creates the token endpoint door. */
export function createOAuthTokenDoor(
  tokens: TokenRegistry,
  proofs: DpopProofVerifier,
  path = '/api/oauth/token',
): ApiDoor {
  return {
    path,
    handle(req, res, { state, body }) {
      if (req.method !== 'POST') {
        oauthError(res, 405, 'invalid_request', { allow: 'POST' });
        return UNREAD;
      }
      if (!isFormContentType(req.headers['content-type'])) {
        oauthError(res, 400, 'invalid_request');
        return UNREAD;
      }
      const fields = formFields(body);
      const client = readClientCredentials(req.headers, fields);
      if (client.kind === 'ambiguous') {
        oauthError(res, 400, 'invalid_request');
        return UNREAD;
      }
      if (client.kind === 'none') {
        oauthError(res, 401, 'invalid_client', BASIC_CHALLENGE);
        return UNREAD;
      }
      const account = state.account(client.clientId);
      if (account === undefined || account.password !== client.clientSecret) {
        oauthError(res, 401, 'invalid_client', BASIC_CHALLENGE);
        return UNREAD;
      }
      const grantType = fields.get('grant_type');
      if (!grantType) {
        oauthError(res, 400, 'invalid_request');
        return UNREAD;
      }
      if (grantType !== 'client_credentials') {
        oauthError(res, 400, 'unsupported_grant_type');
        return UNREAD;
      }
      const proof = req.headers.dpop;
      let jkt: string | undefined;
      if (proof !== undefined) {
        jkt = proofs.verify(typeof proof === 'string' ? proof : undefined, {
          method: 'POST',
          url: `http://${req.headers.host ?? 'localhost'}${path}`,
        });
        if (jkt === undefined) {
          oauthError(res, 400, 'invalid_dpop_proof');
          return UNREAD;
        }
      }
      const issued = tokens.issue(account.user, jkt);
      sendJson(
        res,
        200,
        {
          access_token: issued.accessToken,
          token_type: jkt === undefined ? 'Bearer' : 'DPoP',
          expires_in: issued.expiresIn,
        },
        NO_STORE,
      );
      return UNREAD;
    },
  };
}
