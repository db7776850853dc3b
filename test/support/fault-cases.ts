/**
 * The catalogue of server faults (issue 7, item 5) and the typed error each must end in, per
 * body format. Shared by the fault-injection suite and the secret-leak suite.
 */
import type { TransportErrorCode } from '@afilnet-chat/core';
import {
  answer,
  cutBody,
  hugeBody,
  notHttp,
  resetConnection,
  stallBeforeHeaders,
  stallMidBody,
  trickleBody,
  type Behaviour,
} from './misbehaving-server.js';
import {
  CONTENT_TYPE,
  ENTITY_BOMB,
  EXTERNAL_ENTITY,
  HTML_ERROR_PAGE,
  MALFORMED_XML,
  NON_ENVELOPE_JSONS,
  TRUNCATED_JSON,
  soapFault,
  successBody,
  type BodyFormat,
} from './wire-bodies.js';

/** The error a fault must end in (fields left out are not checked). */
export interface ExpectedError {
  readonly code: TransportErrorCode;
  readonly httpStatus?: number;
  /** The SOAP faultcode, with or without its prefix. */
  readonly faultCode?: RegExp;
}

export interface FaultCase {
  readonly name: string;
  /** How the server answers the API request, given the flavour's body format. */
  behaviour(format: BodyFormat): Behaviour;
  expected(format: BodyFormat): ExpectedError;
  /** The server never finishes its answer: only the call's deadline can end it. */
  readonly stalls?: boolean;
  /**
   * Whether a read is retried on this fault (issue 7: network errors, 429 and 5xx), per body
   * format; `undefined` where the policy is not specified (a SOAP Fault over HTTP 500). Sends are
   * never retried once the request was written.
   */
  readonly readRetried?: (format: BodyFormat) => boolean | undefined;
  /** The body is streamed without end: the bytes the server got to send are checked. */
  readonly endless?: boolean;
}

const half = (format: BodyFormat) => successBody(format, 'getchatchannels').slice(0, 30);

export const FAULT_CASES: readonly FaultCase[] = [
  {
    name: 'connection reset after the request arrived',
    behaviour: () => resetConnection,
    expected: () => ({ code: 'NETWORK' }),
    readRetried: () => true,
  },
  {
    name: 'stall before the response headers',
    behaviour: () => stallBeforeHeaders,
    expected: () => ({ code: 'TIMEOUT' }),
    stalls: true,
  },
  {
    name: 'stall after the headers, mid-body',
    behaviour: (format) => stallMidBody(CONTENT_TYPE[format], half(format)),
    expected: () => ({ code: 'TIMEOUT' }),
    stalls: true,
  },
  {
    name: 'a body trickling one byte at a time, never silent',
    behaviour: (format) => trickleBody(CONTENT_TYPE[format], { everyMs: 20, maxMs: 5_000 }),
    expected: () => ({ code: 'TIMEOUT' }),
    stalls: true,
  },
  {
    name: 'bytes that are not HTTP',
    behaviour: () => notHttp,
    expected: () => ({ code: 'NETWORK' }),
    readRetried: () => true,
  },
  {
    // Following it would carry the credentials to wherever the server points.
    name: 'HTTP 302 redirect (never followed)',
    behaviour: (format) =>
      answer(302, 'text/html', '<a href="/elsewhere">moved</a>', {
        location: `/elsewhere/${format}`,
      }),
    expected: () => ({ code: 'HTTP_STATUS', httpStatus: 302 }),
  },
  {
    name: 'body cut short by the connection',
    behaviour: (format) => cutBody(CONTENT_TYPE[format], half(format)),
    expected: () => ({ code: 'NETWORK' }),
    readRetried: () => true,
  },
  {
    name: 'HTTP 503 with an HTML page',
    behaviour: () => answer(503, 'text/html; charset=utf-8', HTML_ERROR_PAGE),
    expected: () => ({ code: 'HTTP_STATUS', httpStatus: 503 }),
    readRetried: () => true,
  },
  {
    name: 'HTTP 500 with an empty body',
    behaviour: () => answer(500, 'text/plain', ''),
    expected: () => ({ code: 'HTTP_STATUS', httpStatus: 500 }),
    readRetried: () => true,
  },
  {
    name: 'HTTP 200 with an HTML page',
    behaviour: () => answer(200, 'text/html; charset=utf-8', HTML_ERROR_PAGE),
    expected: () => ({ code: 'MALFORMED_RESPONSE' }),
  },
  {
    name: 'truncated JSON',
    behaviour: () => answer(200, CONTENT_TYPE.json, TRUNCATED_JSON),
    expected: () => ({ code: 'MALFORMED_RESPONSE' }),
  },
  ...NON_ENVELOPE_JSONS.map(
    (body): FaultCase => ({
      name: `non-envelope JSON ${body}`,
      behaviour: () => answer(200, CONTENT_TYPE.json, body),
      expected: () => ({ code: 'MALFORMED_RESPONSE' }),
    }),
  ),
  {
    name: 'endless chunked body',
    behaviour: (format) => hugeBody(CONTENT_TYPE[format], { declareLength: false }),
    expected: () => ({ code: 'RESPONSE_TOO_LARGE' }),
    endless: true,
  },
  {
    name: 'endless body with a 1 GiB Content-Length',
    behaviour: (format) => hugeBody(CONTENT_TYPE[format], { declareLength: true }),
    expected: () => ({ code: 'RESPONSE_TOO_LARGE' }),
    endless: true,
  },
  {
    name: 'malformed XML',
    behaviour: () => answer(200, CONTENT_TYPE.xml, MALFORMED_XML),
    expected: () => ({ code: 'MALFORMED_RESPONSE' }),
  },
  {
    name: 'SOAP Fault with HTTP 500',
    behaviour: () => answer(500, CONTENT_TYPE.xml, soapFault()),
    // A JSON flavour cannot read XML: to it this is just a 500.
    expected: (format) =>
      format === 'xml'
        ? { code: 'SOAP_FAULT', httpStatus: 500, faultCode: /^(\w+:)?Server$/ }
        : { code: 'HTTP_STATUS', httpStatus: 500 },
    readRetried: (format) => (format === 'xml' ? undefined : true),
  },
  {
    name: 'SOAP Fault with HTTP 503',
    behaviour: () => answer(503, CONTENT_TYPE.xml, soapFault()),
    // An unavailable service answering for the API, whatever the body: retried like any 503.
    expected: () => ({ code: 'HTTP_STATUS', httpStatus: 503 }),
    readRetried: () => true,
  },
  {
    name: 'DOCTYPE entity bomb',
    behaviour: () => answer(200, CONTENT_TYPE.xml, ENTITY_BOMB),
    expected: () => ({ code: 'MALFORMED_RESPONSE' }),
  },
  {
    name: 'external entity (XXE)',
    behaviour: () => answer(200, CONTENT_TYPE.xml, EXTERNAL_ENTITY),
    expected: () => ({ code: 'MALFORMED_RESPONSE' }),
  },
];
