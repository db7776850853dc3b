/**
 * The Basic-auth flavour: the credentials in an `Authorization: Basic` header, the
 * other fields in a form body (POST, default) or the query string (GET).
 */
import type { BasicOptions, ChatTransport } from '@afilnet-chat/core';
import { BUILT_IN_TRANSPORTS } from '@afilnet-chat/core/constants';
import {
  createFormEncoder,
  joinUrl,
  jsonWireResponse,
  resolveTransportOptions,
  type AccountTransportOptions,
} from '@afilnet-chat/core/transport';
import { basicAuthorization } from './basic-authorization.js';

/** The form body's content type, with its charset stated so the server reads UTF-8. */
export const BASIC_FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded;charset=UTF-8';

/** Options of {@link createBasicTransport}: `paths.basic` defaults to `/api/basic/`. */
export interface BasicTransportOptions extends AccountTransportOptions {
  /** `{ method: 'GET' }` puts the fields in the query string; POST is the default. */
  readonly basic?: BasicOptions;
}

/**
 * Creates the Basic transport: `POST /api/basic/` with a form body (or `GET /api/basic/?…`),
 * `Authorization: Basic base64(utf8(user:password))` (RFC 7617), the user and password never in
 * the URL or body. Rated `medium`. A 401 with an error envelope is decoded by core as
 * `AfilnetApiError` with the envelope's code.
 *
 * @throws {AfilnetValidationError} `INVALID_CONFIG` when the credentials are missing, empty,
 *   hold CR/LF, or the user holds `:` (which RFC 7617 cannot carry); `INSECURE_URL` for an
 *   `http://` `baseUrl` without `allowInsecureHttp`.
 */
export function createBasicTransport(options: BasicTransportOptions): ChatTransport {
  const { credentials, baseUrl, paths, basic } = resolveTransportOptions('basic', options);
  const encode = createFormEncoder();
  const endpoint = joinUrl(baseUrl, paths.basic);
  const authorization = basicAuthorization(credentials);
  const useGet = basic.method === 'GET';
  const separator = endpoint.includes('?') ? '&' : '?';
  const getHeaders = { accept: 'application/json', authorization };
  const postHeaders = {
    'content-type': BASIC_FORM_CONTENT_TYPE,
    accept: 'application/json',
    authorization,
  };

  return {
    name: 'basic',
    security: BUILT_IN_TRANSPORTS.basic.security,
    secrets: [credentials.password, authorization.slice('Basic '.length)],
    async send(request, context) {
      const fields = encode(request);
      const response = await context.http.send(
        useGet
          ? { method: 'GET', url: endpoint + separator + fields, headers: getHeaders }
          : { method: 'POST', url: endpoint, headers: postHeaders, body: fields },
        context,
      );
      return jsonWireResponse(response, context);
    },
  };
}
