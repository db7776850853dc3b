/**
 * The HTTP POST flavour (SPEC §3): every field, credentials included, in a form body.
 */
import {
  createFormEncoder,
  joinUrl,
  parseJsonPayload,
  requireSafeCredentials,
  type AccountTransportOptions,
  type ChatTransport,
  type Credentials,
} from '@afilnet-chat/core';

/** The form body's content type (SPEC §3). */
export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded;charset=UTF-8';

/** Options of {@link createPostTransport}: `paths.http` defaults to `/api/http/`. */
export type PostTransportOptions = AccountTransportOptions;

/**
 * Creates the POST transport: `POST /api/http/` with an `application/x-www-form-urlencoded`
 * body (WHATWG URL §5; spaces as `%20`), nothing in the query string. Rated `medium`.
 */
export function createPostTransport(options: PostTransportOptions): ChatTransport {
  const credentials = requireSafeCredentials(options.credentials, 'post');
  const encode = createFormEncoder(credentials);
  const url = joinUrl(options.baseUrl ?? 'https://www.afilnet.com', options.paths?.http ?? '/api/http/');
  const headers = { 'content-type': FORM_CONTENT_TYPE, accept: 'application/json' };

  return {
    name: 'post',
    security: 'medium',
    async send(request, context) {
      const body = encode(request);
      // The context is the send options: the executor listens to the call's abort through it.
      const response = await context.http.send({ method: 'POST', url, headers, body }, context);
      return { httpStatus: response.status, headers: response.headers, payload: parseJsonPayload(response.body) };
    },
  };
}
