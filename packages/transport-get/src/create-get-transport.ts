/**
 * The HTTP GET flavour: every field, credentials included, in the query string.
 */
import { AfilnetValidationError, type ChatTransport } from '@afilnet-chat/core';
import { BUILT_IN_TRANSPORTS } from '@afilnet-chat/core/constants';
import {
  createFormEncoder,
  joinUrl,
  jsonWireResponse,
  resolveTransportOptions,
  type AccountTransportOptions,
} from '@afilnet-chat/core/transport';
import { warnCredentialsInUrl } from './warn-credentials-in-url.js';

/**
 * The longest URL the GET flavour sends, counted on the full encoded URL as sent; past it nothing
 * is sent (`URL_TOO_LONG`): servers and proxies refuse request lines of a few kilobytes, and a
 * long message belongs in a POST body (docs/behaviour.md#get).
 */
export const MAX_GET_URL_LENGTH = 4000;

/** Options of {@link createGetTransport}: `paths.http` defaults to `/api/http/`. */
export type GetTransportOptions = AccountTransportOptions;

/**
 * Creates the GET transport: `GET /api/http/?class=chat&method=M&user=U&password=P&…`, every
 * value percent-encoded with upper-case hex (RFC 3986 §2.1).
 *
 * Its `send` throws `AfilnetValidationError` code `URL_TOO_LONG` when the encoded URL would be
 * longer than 4,000 characters, before anything is sent. Rated `low`: the password travels in
 * the URL, where proxies and server logs keep it; a one-time process warning says so. Node's
 * `NODE_DEBUG=undici` (and `NODE_DEBUG=fetch`) prints every request's full URL, so with this
 * transport it prints the password.
 *
 * @throws {AfilnetValidationError} `INVALID_CONFIG` when the credentials are missing, empty or
 *   hold CR/LF; `INSECURE_URL` for an `http://` `baseUrl` without `allowInsecureHttp`.
 */
export function createGetTransport(options: GetTransportOptions): ChatTransport {
  const { credentials, baseUrl, paths } = resolveTransportOptions('get', options);
  const encode = createFormEncoder(credentials);
  const endpoint = joinUrl(baseUrl, paths.http);
  const separator = endpoint.includes('?') ? '&' : '?';
  const headers = { accept: 'application/json' };

  return {
    name: 'get',
    security: BUILT_IN_TRANSPORTS.get.security,
    secrets: [credentials.password],
    async send(request, context) {
      const url = endpoint + separator + encode(request);
      if (url.length > MAX_GET_URL_LENGTH) {
        throw new AfilnetValidationError(
          'URL_TOO_LONG',
          `The ${request.method} request would need a URL of ${url.length} characters, over the GET limit of ${MAX_GET_URL_LENGTH}; use the post transport for long messages`,
          {
            issues: [
              {
                path: 'message',
                message: `makes the URL ${url.length} characters long (limit ${MAX_GET_URL_LENGTH})`,
              },
            ],
          },
        );
      }
      warnCredentialsInUrl();
      // The context is the send options: the executor listens to the call's abort through it.
      const response = await context.http.send({ method: 'GET', url, headers }, context);
      return jsonWireResponse(response, context);
    },
  };
}
