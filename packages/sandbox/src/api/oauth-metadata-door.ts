/**
 * `GET /.well-known/oauth-authorization-server` (RFC 8414 §3): the sandbox's authorization server
 * metadata, so that clients can find the token endpoint from the issuer (the sandbox's URL).
 */
import type { Door } from '../http/door.js';
import { sendJson } from '../http/respond.js';

/** Creates the metadata door; `tokenPath` is the token endpoint's path. */
export function createOAuthMetadataDoor(
  tokenPath = '/api/oauth/token',
  path = '/.well-known/oauth-authorization-server',
): Door {
  return {
    path,
    handle(req, res) {
      if (req.method !== 'GET') {
        sendJson(res, 405, { error: 'use GET' }, { allow: 'GET' });
        return;
      }
      // The issuer is the origin the client used, so that RFC 8414 §3.3's issuer check holds for
      // `127.0.0.1`, `localhost` or any other name of the loopback.
      const issuer = `http://${req.headers.host ?? 'localhost'}`;
      sendJson(res, 200, {
        issuer,
        token_endpoint: `${issuer}${tokenPath}`,
        grant_types_supported: ['client_credentials'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        dpop_signing_alg_values_supported: ['ES256'],
        response_types_supported: [],
      });
    },
  };
}
