/**
 * The Basic-auth flavour (SPEC §3): the credentials in an `Authorization: Basic` header, the
 * other fields in a form body (POST, default) or the query string (GET).
 */
import {
  createFormEncoder,
  joinUrl,
  parseJsonPayload,
  requireSafeCredentials,
  type BasicOptions,
  type AccountTransportOptions,
  type ChatTransport,
  type Credentials,
} from '@afilnet-chat/core';
import { basicAuthorization } from './basic-authorization.js';

/** The form body's content type (SPEC §3). */
export const BASIC_FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded;charset=UTF-8';

/** Options of {@link createBasicTransport}: `paths.basic` defaults to `/api/basic/`. */
export interface BasicTransportOptions extends AccountTransportOptions {
  /** `{ method: 'GET' }` puts the fields in the query string; POST is the default. */
  readonly basic?: BasicOptions;
}

const userRule = (field: 'user' | 'password', value: string): string | undefined =>
  field === 'user' && value.includes(':') ? "must not contain ':' with the basic transport (RFC 7617 §2)" : undefined;

/**
 * Creates the Basic transport: `POST /api/basic/` with a form body (or `GET /api/basic/?…`),
 * `Authorization: Basic base64(utf8(user:password))` (RFC 7617), the user and password never in
 * the URL or body. Rated `medium`. A 401 with an error envelope is decoded by core as
 * `AfilnetApiError` with the envelope's code.
 *
 * @throws {AfilnetValidationError} `INVALID_CONFIG` when the credentials are missing, empty,
 *   hold CR/LF, or the user holds `:` (which RFC 7617 cannot carry).
 */
export function createBasicTransport(options: BasicTransportOptions): ChatTransport {
  const credentials = requireSafeCredentials(options.credentials, 'basic', userRule);
  const encode = createFormEncoder();
  const endpoint = joinUrl(options.baseUrl ?? 'https://www.afilnet.com', options.paths?.basic ?? '/api/basic/');
  const authorization = basicAuthorization(credentials);
  const useGet = options.basic?.method === 'GET';
  const separator = endpoint.includes('?') ? '&' : '?';
  const getHeaders = { accept: 'application/json', authorization };
  const postHeaders = { 'content-type': BASIC_FORM_CONTENT_TYPE, accept: 'application/json', authorization };

  return {
    name: 'basic',
    security: 'medium',
    async send(request, context) {
      const { http, registerSecret } = context;
      // A transport built by hand may carry other credentials than the client's configuration:
      // its redactor must know them too.
      registerSecret(credentials.password);
      registerSecret(authorization.slice('Basic '.length));
      const fields = encode(request);
      const response = useGet
        ? await http.send(
            { method: 'GET', url: endpoint + separator + fields, headers: getHeaders },
            context,
          )
        : await http.send(
            {
              method: 'POST',
              url: endpoint,
              headers: postHeaders,
              body: fields,
            },
            context,
          );
      return { httpStatus: response.status, headers: response.headers, payload: parseJsonPayload(response.body) };
    },
  };
}
