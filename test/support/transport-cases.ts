/**
 * The rows of the cross-transport matrix: one entry per flavour, saying what it must put on the
 * wire and how its server answers. Adding a flavour to every matrix test is adding one entry.
 */
import { expect } from 'vitest';
import type { ChatClientConfig, ChatMethod, TransportName } from '@afilnet-chat/core';
import { referenceForm } from './reference-encoding.js';
import { assertSoapDigestBody, referenceSoapTextBody, soapReply } from './reference-soap.js';
import { EXECUTORS, type CapturedRequest, type WireReply } from './wire-capture.js';

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
  /** The row's name in test titles (`basic (GET)` tells two rows of one flavour apart). */
  readonly label: string;
  /** Extra client configuration (e.g. `basic: { method: 'GET' }`). */
  readonly config?: Partial<ChatClientConfig>;
  /** `json` flavours share the JSON tolerance fixtures; `xml` ones have their own. */
  readonly bodyFormat: 'json' | 'xml';
  /** The requests one call must make, in order (json-oauth: token request, then the call). */
  expectedRequests(
    method: ChatMethod,
    wire: ReadonlyArray<readonly [string, string]>,
    account: Account,
  ): ExpectedRequest[];
  /** The server's answer to a request, carrying a JSON-shaped envelope (encoded as the flavour does). */
  answer(request: CapturedRequest, envelope: unknown): WireReply;
}

const jsonReply = (envelope: unknown): WireReply => ({
  status: 200,
  body: JSON.stringify(envelope),
  headers: { 'content-type': 'application/json' },
});

const fields = (
  method: ChatMethod,
  wire: ReadonlyArray<readonly [string, string]>,
  account?: Account,
) => [
  ['class', 'chat'] as const,
  ['method', method] as const,
  ...(account
    ? ([
        ['user', account.user],
        ['password', account.password],
      ] as const)
    : []),
  ...wire,
];

export const GET_CASE: TransportCase = {
  name: 'get',
  label: 'get',
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
  label: 'post',
  bodyFormat: 'json',
  expectedRequests: (method, wire, account) => [
    {
      method: 'POST',
      path: '/api/http/',
      headers: {
        'content-type': 'application/x-www-form-urlencoded;charset=UTF-8',
        accept: 'application/json',
      },
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

/** The error code of a JSON-shaped envelope, if it has one. */
const errorCodeOf = (envelope: unknown): string | undefined => {
  const code = (envelope as { error?: unknown } | null)?.error;
  return typeof code === 'string' ? code : undefined;
};

/** A 401 carrying the envelope and an authentication challenge (the Basic and JSON doors). */
const challengeReply = (envelope: unknown, challenge: string): WireReply => ({
  status: 401,
  body: JSON.stringify(envelope),
  headers: { 'content-type': 'application/json', 'www-authenticate': challenge },
});

const BASIC_AUTH_CODES = new Set(['MISSING_USER', 'MISSING_PASSWORD', 'INCORRECT_USER_PASSWORD']);

/** A Basic server answers the credential errors with 401 and a challenge. */
const basicReply = (envelope: unknown): WireReply =>
  BASIC_AUTH_CODES.has(errorCodeOf(envelope) ?? '')
    ? challengeReply(envelope, 'Basic realm="afilnet", charset="UTF-8"')
    : jsonReply(envelope);

export const BASIC_CASE: TransportCase = {
  name: 'basic',
  label: 'basic',
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
  label: 'basic (GET)',
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

/** A SOAP row: one POST to the SOAP door, no Authorization header, its body checked by `body`. */
const soapCase = (
  label: string,
  config: TransportCase['config'],
  body: (
    method: ChatMethod,
    wire: ReadonlyArray<readonly [string, string]>,
    account: Account,
  ) => ExpectedRequest['body'],
): TransportCase => ({
  name: 'soap',
  label,
  ...(config === undefined ? {} : { config }),
  bodyFormat: 'xml',
  expectedRequests: (method, wire, account) => [
    {
      method: 'POST',
      path: '/api/soap/',
      headers: {
        'content-type': 'text/xml; charset=utf-8',
        soapaction: `"urn:afilnet:chat#${method}"`,
      },
      absentHeaders: ['authorization'],
      body: body(method, wire, account),
    },
  ],
  answer: (request, envelope) => soapReply(request.body, envelope),
});

export const SOAP_CASE = soapCase('soap', undefined, referenceSoapTextBody);

export const SOAP_DIGEST_CASE = soapCase(
  'soap (PasswordDigest)',
  { soap: { passwordType: 'PasswordDigest' } },
  (method, wire, account) => (body) => assertSoapDigestBody(body, method, wire, account),
);

/** base64 of `demo%40example.com:demo-password`, written out: RFC 6749 §2.3.1 form-encodes id and secret first. */
const DEMO_CLIENT_BASIC = 'Basic ZGVtbyU0MGV4YW1wbGUuY29tOmRlbW8tcGFzc3dvcmQ=';

/** RFC 6749 Appendix B's form encoding, byte by byte: alphanumerics and `*-._` kept, space as `+`. */
const referenceFormValue = (value: string): string => {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const char = String.fromCharCode(byte);
    if (byte === 0x20) out += '+';
    else
      out +=
        byte < 0x80 && /[A-Za-z0-9*\-._]/.test(char)
          ? char
          : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
};

const clientSecretBasic = (account: Account) =>
  account.user === 'demo@example.com' && account.password === 'demo-password'
    ? DEMO_CLIENT_BASIC
    : `Basic ${Buffer.from(`${referenceFormValue(account.user)}:${referenceFormValue(account.password)}`, 'utf8').toString('base64')}`;

/** The access token the wire's token endpoint issues. */
export const WIRE_ACCESS_TOKEN = 'wire.Access-token_1~';

/** The JSON door's body: `class`, `method`, then the parameters in order, every value a string. */
const assertJsonBody = (
  body: string,
  method: ChatMethod,
  wire: ReadonlyArray<readonly [string, string]>,
): void => {
  const parsed = JSON.parse(body) as Record<string, unknown>;
  expect(Object.keys(parsed)).toEqual(['class', 'method', ...wire.map(([name]) => name)]);
  expect(parsed).toStrictEqual({ class: 'chat', method, ...Object.fromEntries(wire) });
};

/** A JSON + OAuth server: a token from the token endpoint; MISSING_USER with the Bearer challenge. */
const jsonOAuthReply = (request: CapturedRequest, envelope: unknown): WireReply => {
  if (request.path === '/api/oauth/token') {
    return {
      status: 200,
      body: JSON.stringify({
        access_token: WIRE_ACCESS_TOKEN,
        token_type: 'Bearer',
        expires_in: 3600,
      }),
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    };
  }
  return errorCodeOf(envelope) === 'MISSING_USER'
    ? challengeReply(envelope, 'Bearer realm="afilnet"')
    : jsonReply(envelope);
};

export const JSON_OAUTH_CASE: TransportCase = {
  name: 'json-oauth',
  label: 'json-oauth',
  bodyFormat: 'json',
  expectedRequests: (method, wire, account) => [
    {
      method: 'POST',
      path: '/api/oauth/token',
      headers: {
        authorization: clientSecretBasic(account),
        'content-type': 'application/x-www-form-urlencoded;charset=UTF-8',
        accept: 'application/json',
      },
      body: 'grant_type=client_credentials',
    },
    {
      method: 'POST',
      path: '/api/json/',
      headers: {
        authorization: `Bearer ${WIRE_ACCESS_TOKEN}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: (body) => assertJsonBody(body, method, wire),
    },
  ],
  answer: jsonOAuthReply,
};

/** Every row of the matrix: each flavour, and the variants of a flavour's options. */
export const TRANSPORT_CASES: readonly TransportCase[] = [
  GET_CASE,
  POST_CASE,
  BASIC_CASE,
  BASIC_GET_CASE,
  SOAP_CASE,
  SOAP_DIGEST_CASE,
  JSON_OAUTH_CASE,
];

/** Every case × every executor: the rows of the cross-transport suites. */
export const MATRIX_ROWS = TRANSPORT_CASES.flatMap((c) =>
  EXECUTORS.map((executor) => ({ case: c, executor, label: `${c.label} × ${executor}` })),
);
