/**
 * The HTTP POST flavour: every field, credentials included, in a form body.
 */
import type { ChatTransport } from '@afilnet-chat/core';
import { BUILT_IN_TRANSPORTS } from '@afilnet-chat/core/constants';
import {
  createFormEncoder,
  joinUrl,
  jsonWireResponse,
  resolveTransportOptions,
  type AccountTransportOptions,
} from '@afilnet-chat/core/transport';

/** The form body's content type, with its charset stated so the server reads UTF-8. */
export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded;charset=UTF-8';

/** Options of {@link createPostTransport}: `paths.http` defaults to `/api/http/`. */
export type PostTransportOptions = AccountTransportOptions;

/**
 * Creates the POST transport: `POST /api/http/` with an `application/x-www-form-urlencoded`
 * body (WHATWG URL §5; spaces as `%20`), nothing in the query string. Rated `medium`.
 *
 * @throws {AfilnetValidationError} `INVALID_CONFIG` when the credentials are missing, empty or
 *   hold CR/LF; `INSECURE_URL` for an `http://` `baseUrl` without `allowInsecureHttp`.
 */
export function createPostTransport(options: PostTransportOptions): ChatTransport {
  const { credentials, baseUrl, paths } = resolveTransportOptions('post', options);
  const encode = createFormEncoder(credentials);
  const url = joinUrl(baseUrl, paths.http);
  const headers = { 'content-type': FORM_CONTENT_TYPE, accept: 'application/json' };

  return {
    name: 'post',
    security: BUILT_IN_TRANSPORTS.post.security,
    secrets: [credentials.password],
    async send(request, context) {
      const body = encode(request);
      // The context is the send options: the executor listens to the call's abort through it.
      const response = await context.http.send({ method: 'POST', url, headers, body }, context);
      return jsonWireResponse(response, context);
    },
  };
}
