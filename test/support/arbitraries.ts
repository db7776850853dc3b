/**
 * fast-check arbitraries for the property suites: messages full of what encoders get wrong, and
 * answers a server may give, from plausible envelopes to raw bytes.
 */
import fc from 'fast-check';
import type { ChatMethod } from '@afilnet-chat/core';
import { SOAP_ENV_NS } from './wire-bodies.js';

/** At least 1,000 runs per property in CI (issue 7, item 7); fewer locally. */
export const RUNS = process.env.CI ? 1_000 : 150;

/** Fragments that encoders and decoders get wrong. */
const TRICKY_FRAGMENTS = [
  '+',
  '&',
  '=',
  '%',
  '%2B',
  '%%',
  ' ',
  '  ',
  '\t',
  '\n',
  '\r',
  '\r\n',
  '<',
  '>',
  ']]>',
  '&amp;',
  '&#13;',
  '"',
  "'",
  '\\',
  '/',
  '?',
  '#',
  ';',
  '\u0000',
  '\u0001',
  '\u001f',
  '\u007f',
  '\u0085',
  '\u00a0',
  '\u2028',
  '\u2029',
  '\ufeff',
  '\ufffe',
  '\uffff',
  '😀',
  '👩‍👩‍👧',
  'e\u0301',
  '\u{10ffff}',
  '\u202e',
  'ß',
  'İ',
  '中文',
  'عربى',
  '{"status":"error"}',
  '<status>error</status>',
  'null',
  'class=chat&method=x',
];

/**
 * A message the client accepts (non-empty, well-formed UTF-16) and that keeps a GET URL under
 * the 4,000-character limit: graphemes, any code points, and concatenations of tricky fragments.
 */
export const messageArbitrary: fc.Arbitrary<string> = fc
  .oneof(
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }),
    fc
      .array(
        fc.oneof(
          fc.constantFrom(...TRICKY_FRAGMENTS),
          fc.string({ unit: 'grapheme', maxLength: 3 }),
        ),
        {
          minLength: 1,
          maxLength: 12,
        },
      )
      .map((parts) => parts.join('')),
  )
  .filter((m) => m.length > 0 && m.isWellFormed() && Buffer.byteLength(m, 'utf8') <= 1_000);

/** Characters XML 1.0 cannot carry at all (XML 1.0 §2.2 `Char`), written out independently. */
export const XML_ILLEGAL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;

const scalarArbitrary = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom(
    '1',
    '0',
    'true',
    'false',
    '',
    ' ',
    '100',
    'whatsapp',
    'sent',
    '2024-05-01 10:00:00',
  ),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 1 }),
);

/** The fields a result's list item has on the wire, across every method that answers a list. */
export const RESULT_ITEM_FIELDS = [
  'platformid',
  'platform',
  'name',
  'message',
  'destination',
  'messageid',
  'sent',
  'issent',
  'status',
  'datetime',
] as const;

const ITEM_FIELDS = [...RESULT_ITEM_FIELDS, 'extra'];

/** A list item: any subset of the documented fields (and one more), with any scalar values. */
const itemArbitrary = fc.dictionary(fc.constantFrom(...ITEM_FIELDS), scalarArbitrary, {
  maxKeys: ITEM_FIELDS.length,
});

const resultArbitrary = fc.oneof(
  fc.array(itemArbitrary, { maxLength: 4 }),
  fc.record({ list: fc.array(itemArbitrary, { maxLength: 3 }) }),
  fc.constantFrom('', null, [], {}),
  fc.jsonValue({ maxDepth: 3 }),
);

/** Something shaped like an envelope, often almost right. */
export const envelopeArbitrary: fc.Arbitrary<unknown> = fc.oneof(
  fc.record(
    {
      status: fc.oneof(
        fc.constantFrom('success', 'error', 'SUCCESS', ' Error ', 'ok', ''),
        fc.string(),
        scalarArbitrary,
      ),
      result: resultArbitrary,
      error: fc.oneof(
        fc.constantFrom('CHANNEL_NOT_FOUND', 'MISSING_USER', '', ' '),
        fc.string(),
        scalarArbitrary,
      ),
    },
    { requiredKeys: [] },
  ),
  fc.jsonValue({ maxDepth: 4 }),
  fc.anything({ maxDepth: 3 }),
);

function xmlText(value: unknown): string {
  let text: string;
  try {
    text = String(value);
  } catch {
    // fast-check's anything() makes objects without a prototype, which String() cannot convert.
    text = Object.prototype.toString.call(value);
  }
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}

/** A SOAP response built from an arbitrary envelope, for the XML flavours. */
function soapBodyOf(method: ChatMethod, envelope: unknown, prefix: string): string {
  const record =
    typeof envelope === 'object' && envelope !== null ? (envelope as Record<string, unknown>) : {};
  const items = Array.isArray(record.result) ? record.result : [];
  const result = items
    .map((item) =>
      typeof item === 'object' && item !== null
        ? `<item>${Object.entries(item as Record<string, unknown>)
            .map(([k, v]) => `<${k}>${xmlText(v)}</${k}>`)
            .join('')}</item>`
        : `<item>${xmlText(item)}</item>`,
    )
    .join('');
  return (
    `<${prefix}:Envelope xmlns:${prefix}="${SOAP_ENV_NS}" xmlns:c="urn:afilnet:chat"><${prefix}:Body>` +
    `<c:${method}Response>${'status' in record ? `<status>${xmlText(record.status)}</status>` : ''}` +
    `${'error' in record ? `<error>${xmlText(record.error)}</error>` : ''}<result>${result}</result>` +
    `</c:${method}Response></${prefix}:Body></${prefix}:Envelope>`
  );
}

/** One answer of a server: status, content type and body bytes. */
export interface ArbitraryAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: Uint8Array;
}

/**
 * Answers for `method`: raw bytes, JSON envelopes, SOAP envelopes, each possibly cut short at
 * an arbitrary byte.
 */
export function answerArbitrary(method: ChatMethod): fc.Arbitrary<ArbitraryAnswer> {
  const text = fc.oneof(
    envelopeArbitrary.map((e) => {
      try {
        return JSON.stringify(e) ?? 'undefined';
      } catch {
        return String(e);
      }
    }),
    fc
      .tuple(envelopeArbitrary, fc.constantFrom('soapenv', 's', 'SOAP-ENV'))
      .map(([e, p]) => soapBodyOf(method, e, p)),
    fc.string({ unit: 'binary', maxLength: 200 }),
  );
  const bytes = fc.oneof(
    text.map((t) => new Uint8Array(Buffer.from(t, 'utf8'))),
    fc.uint8Array({ maxLength: 300 }),
  );
  const cut = fc
    .tuple(bytes, fc.option(fc.nat(), { nil: undefined }))
    .map(([b, at]) => (at === undefined ? b : b.slice(0, at % (b.length + 1))));
  return fc.record({
    status: fc.oneof(
      fc.constantFrom(200, 200, 200, 201, 204, 400, 401, 404, 429, 500, 503),
      fc.integer({ min: 200, max: 599 }),
    ),
    contentType: fc.constantFrom(
      'application/json',
      'text/xml; charset=utf-8',
      'text/html',
      'application/octet-stream',
      'text/plain; charset=latin1',
    ),
    body: cut,
  });
}
