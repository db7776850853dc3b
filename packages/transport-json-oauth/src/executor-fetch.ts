/**
 * oauth4webapi's `customFetch` hook carried by the client's executor, so that token, discovery
 * and API requests share the executor's timeouts, abort, connection pool, dispatcher and
 * response-size cap: every request of a client, token and discovery requests included, goes
 * through its one executor.
 */
import type { HttpExecutor, HttpRequest, HttpResponse } from '@afilnet-chat/core/transport';

/** The shape of oauth4webapi's `customFetch` option. */
export type CustomFetch = (
  url: string,
  options: {
    readonly body?: unknown;
    readonly headers: Record<string, string>;
    readonly method: string;
  },
) => Promise<Response>;

/** Statuses whose WHATWG `Response` must not have a body (Fetch standard, "null body status"). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

function encodeBody(body: unknown): string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  // Token and discovery requests carry URLSearchParams: its serializer is the WHATWG
  // application/x-www-form-urlencoded one, which a fetch would also use.
  if (body instanceof URLSearchParams) return body.toString();
  throw new TypeError('The OAuth request body has a type the executor cannot send');
}

function toMethod(method: string): HttpRequest['method'] {
  const upper = method.toUpperCase();
  if (upper !== 'GET' && upper !== 'POST')
    throw new TypeError(`The executor cannot send ${method} requests`);
  return upper;
}

/** A WHATWG `Response` holding what the executor read. */
export function toFetchResponse(response: HttpResponse): Response {
  const body = NULL_BODY_STATUSES.has(response.status) ? null : response.body;
  return new Response(body, { status: response.status, headers: response.headers });
}

/**
 * A `customFetch` that sends through `http` with `signal` (never the signal oauth4webapi passes,
 * which is none: the caller decides what may end a request) and hands each raw response to
 * `onResponse` before oauth4webapi reads it.
 *
 * Throws what the executor throws (`AfilnetTransportError` `NETWORK`, `ABORTED`,
 * `RESPONSE_TOO_LARGE`), untouched.
 */
export function executorFetch(
  http: HttpExecutor,
  signal: AbortSignal,
  onResponse?: (response: HttpResponse) => void,
): CustomFetch {
  return async (url, options) => {
    const body = encodeBody(options.body);
    const request: HttpRequest = {
      method: toMethod(options.method),
      url,
      headers: options.headers,
      ...(body === undefined ? {} : { body }),
    };
    const response = await http.send(request, { signal });
    onResponse?.(response);
    return toFetchResponse(response);
  };
}
