/**
 * The rows of the cross-transport matrix: one entry per flavour, saying what it must put on the
 * wire and how its server answers. Adding a flavour to every matrix test is adding one entry.
 */
import type { ChatClientConfig, ChatMethod, TransportName } from '@afilnet-chat/core';
import { referenceForm } from './reference-encoding.js';
import { assertSoapDigestBody, referenceSoapTextBody, soapReply } from './reference-soap.js';
import type { CapturedRequest, WireReply } from './wire-capture.js';

/** A request the server must receive: exact method, path (with query) and body, and these headers. */
export interface ExpectedRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  /** Headers that must be present with exactly these values (names in lower case). */
  readonly headers: Readonly<Record<string, string>>;
  /** Headers that must be absent. */
  readonly absentHeaders?: readonly string[];
  /** The exact body, or a check of it (SOAP digests, JSON key order). */
  readonly body: string | ((body: string) => void);
}

export interface Account {
  readonly user: string;
  readonly password: string;
}

/** One flavour's row. */
export interface TransportCase {
  readonly name: TransportName;
  /** Extra client configuration (e.g. `basic: { method: 'GET' }`). */
  readonly config?: Partial<ChatClientConfig>;
  /** `json` flavours share the JSON tolerance fixtures; `xml` ones have their own. */
  readonly bodyFormat: 'json' | 'xml';
  /** The requests one call must make, in order (json-oauth: token request, then the call). */
  expectedRequests(method: ChatMethod, wire: ReadonlyArray<readonly [string, string]>, account: Account): ExpectedRequest[];
  /** The server's answer to a request, carrying a JSON-shaped envelope (encoded as the flavour does). */
  answer(request: CapturedRequest, envelope: unknown): WireReply;
}

const jsonReply = (envelope: unknown): WireReply => ({
  status: 200,
  body: JSON.stringify(envelope),
  headers: { 'content-type': 'application/json' },
});

const fields = (method: ChatMethod, wire: ReadonlyArray<readonly [string, string]>, account?: Account) => [
  ['class', 'chat'] as const,
  ['method', method] as const,
  ...(account ? ([['user', account.user], ['password', account.password]] as const) : []),
  ...wire,
];

export const GET_CASE: TransportCase = {
  name: 'get',
  bodyFormat: 'json',
  expectedRequests: (method, wire, account) => [
    {
      method: 'GET',
      path: `/api/http/?${referenceForm(fields(method, wire, account))}`,
      headers: { accept: 'application/json' },
      absentHeaders: ['authorization', 'content-type'],
      body: '',
    },
  ],
  answer: (_request, envelope) => jsonReply(envelope),
};

export const POST_CASE: TransportCase = {
  name: 'post',
  bodyFormat: 'json',
  expectedRequests: (method, wire, account) => [
    {
      method: 'POST',
      path: '/api/http/',
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: 'application/json' },
      absentHeaders: ['authorization'],
      body: referenceForm(fields(method, wire, account)),
    },
  ],
  answer: (_request, envelope) => jsonReply(envelope),
};

/** base64 of the UTF-8 bytes of `demo@example.com:demo-password`, written out (RFC 7617). */
const DEMO_BASIC = 'Basic ZGVtb0BleGFtcGxlLmNvbTpkZW1vLXBhc3N3b3Jk';

const basicAuthorization = (account: Account) =>
  account.user === 'demo@example.com' && account.password === 'demo-password'
    ? DEMO_BASIC
    : `Basic ${Buffer.from(`${account.user}:${account.password}`, 'utf8').toString('base64')}`;

const BASIC_AUTH_CODES = new Set(['MISSING_USER', 'MISSING_PASSWORD', 'INCORRECT_USER_PASSWORD']);

/** A Basic server answers the credential errors with 401 and a challenge (SPEC §3). */
const basicReply = (envelope: unknown): WireReply => {
  const code = (envelope as { error?: unknown } | null)?.error;
  if (typeof code === 'string' && BASIC_AUTH_CODES.has(code)) {
    return {
      status: 401,
      body: JSON.stringify(envelope),
      headers: { 'content-type': 'application/json', 'www-authenticate': 'Basic realm="afilnet", charset="UTF-8"' },
    };
  }
  return jsonReply(envelope);
};

export const BASIC_CASE: TransportCase = {
  name: 'basic',
  bodyFormat: 'json',
  expectedRequests: (method, wire, account) => [
    {
      method: 'POST',
      path: '/api/basic/',
      headers: {
        'content-type': 'application/x-www-form-urlencoded;charset=UTF-8',
        accept: 'application/json',
        authorization: basicAuthorization(account),
      },
      body: referenceForm(fields(method, wire)),
    },
  ],
  answer: (_request, envelope) => basicReply(envelope),
};

export const BASIC_GET_CASE: TransportCase = {
  name: 'basic',
  config: { basic: { method: 'GET' } },
  bodyFormat: 'json',
  expectedRequests: (method, wire, account) => [
    {
      method: 'GET',
      path: `/api/basic/?${referenceForm(fields(method, wire))}`,
      headers: { accept: 'application/json', authorization: basicAuthorization(account) },
      absentHeaders: ['content-type'],
      body: '',
    },
  ],
  answer: (_request, envelope) => basicReply(envelope),
};

const soapHeaders = (method: ChatMethod) => ({
  'content-type': 'text/xml; charset=utf-8',
  soapaction: `"urn:afilnet:chat#${method}"`,
});

export const SOAP_CASE: TransportCase = {
  name: 'soap',
  bodyFormat: 'xml',
  expectedRequests: (method, wire, account) => [
    {
      method: 'POST',
      path: '/api/soap/',
      headers: soapHeaders(method),
      absentHeaders: ['authorization'],
      body: referenceSoapTextBody(method, wire, account),
    },
  ],
  answer: (request, envelope) => soapReply(request.body, envelope),
};

export const SOAP_DIGEST_CASE: TransportCase = {
  name: 'soap',
  config: { soap: { passwordType: 'PasswordDigest' } },
  bodyFormat: 'xml',
  expectedRequests: (method, wire, account) => [
    {
      method: 'POST',
      path: '/api/soap/',
      headers: soapHeaders(method),
      absentHeaders: ['authorization'],
      body: (body) => assertSoapDigestBody(body, method, wire, account),
    },
  ],
  answer: (request, envelope) => soapReply(request.body, envelope),
};

/** Every flavour in the matrix. */
export const TRANSPORT_CASES: readonly TransportCase[] = [GET_CASE, POST_CASE, BASIC_CASE, BASIC_GET_CASE, SOAP_CASE, SOAP_DIGEST_CASE];
