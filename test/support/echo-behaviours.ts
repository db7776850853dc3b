/**
 * Servers that quote the request back in their error answers, as debug pages and careless
 * gateways do: the request holds the credentials, so whatever the client keeps of such an
 * answer (message, body excerpt, SOAP faultstring, OAuth error text) must be redacted.
 */
import { answer, type Behaviour, type ReceivedRequest } from './misbehaving-server.js';
import { CONTENT_TYPE, escapeXml, soapFault, type BodyFormat } from './wire-bodies.js';

/** The request as text: request line, headers and body. */
export function requestText(request: ReceivedRequest): string {
  const headers = Object.entries(request.headers)
    .map(([name, value]) => `${name}: ${Array.isArray(value) ? value.join(', ') : String(value)}`)
    .join('\n');
  return `${request.method} ${request.path}\n${headers}\n\n${request.body}`;
}

/** Answers with a body built from the request's text. */
function echoing(
  status: number,
  contentType: string,
  build: (echo: string) => string,
  headers?: Record<string, string>,
): Behaviour {
  return (exchange) =>
    answer(status, contentType, build(requestText(exchange.request)), headers)(exchange);
}

export interface EchoCase {
  readonly name: string;
  behaviour(format: BodyFormat): Behaviour;
}

export const API_ECHO_CASES: readonly EchoCase[] = [
  {
    name: 'HTTP 500 debug page quoting the request',
    behaviour: () =>
      echoing(
        500,
        'text/html',
        (echo) => `<html><body><h1>Error</h1><pre>${escapeXml(echo)}</pre></body></html>`,
      ),
  },
  {
    name: 'HTTP 400 plain text quoting the request',
    behaviour: () => echoing(400, 'text/plain', (echo) => `Bad request: ${echo}`),
  },
  {
    name: 'HTTP 200 non-envelope JSON quoting the request',
    behaviour: () => echoing(200, CONTENT_TYPE.json, (echo) => JSON.stringify({ debug: echo })),
  },
  {
    // The quoted text lands in the error's own `faultString` field, not only in its message.
    name: 'SOAP Fault whose faultstring quotes the request',
    behaviour: () => echoing(500, CONTENT_TYPE.xml, (echo) => soapFault(`Cannot process: ${echo}`)),
  },
];

export const TOKEN_ECHO_CASES: readonly EchoCase[] = [
  {
    name: 'token endpoint 400 whose error_description quotes the request',
    behaviour: () =>
      echoing(400, 'application/json', (echo) =>
        JSON.stringify({ error: 'invalid_request', error_description: echo }),
      ),
  },
  {
    // The quoted text lands in the error's own `oauthError` field.
    name: 'token endpoint 400 whose error code quotes the request',
    behaviour: () => echoing(400, 'application/json', (echo) => JSON.stringify({ error: echo })),
  },
  {
    name: 'token endpoint 401 HTML page quoting the request',
    behaviour: () =>
      echoing(401, 'text/html', (echo) => `<pre>${escapeXml(echo)}</pre>`, {
        'www-authenticate': 'Basic realm="afilnet"',
      }),
  },
];
