/**
 * The SOAP transport's single-pass XML reader against its predecessor (fast-xml-parser with its
 * validator, kept as the oracle in `support/reference-xml-reader.ts`): on every envelope the
 * sandbox writes, every request the transport writes (which the sandbox reads), the tolerance
 * cases' spellings of the API's answers (docs/behaviour.md#results), and any of these cut short, both give the same tree or
 * both refuse the document.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHAT_METHODS, type ChatMethod } from '@afilnet-chat/core/constants';
import { createXmlReader, escapeXml, XmlReadError, type XmlElement } from '@afilnet-chat/soap-xml';
import { encodeEnvelope, encodeUsernameToken } from '@afilnet-chat/transport-soap';
import {
  encodeSoapFault,
  type SoapFault,
} from '../packages/sandbox/src/api/soap/encode-soap-fault.js';
import { encodeSoapResponse } from '../packages/sandbox/src/api/soap/encode-soap-response.js';
import {
  answerArbitrary,
  messageArbitrary,
  RESULT_ITEM_FIELDS,
  RUNS,
  XML_ILLEGAL,
} from './support/arbitraries.js';
import { REF_SOAP_ENV, REF_XSI } from './support/reference-soap.js';
import { createReferenceXmlReader, ReferenceXmlReadError } from './support/reference-xml-reader.js';

const reader = createXmlReader();
const oracle = createReferenceXmlReader();
const METHODS = Object.keys(CHAT_METHODS) as ChatMethod[];

type Outcome = { readonly tree: XmlElement } | { readonly refused: true };

function outcome(read: () => XmlElement, refusal: new (...args: never[]) => Error): Outcome {
  try {
    return { tree: read() };
  } catch (error) {
    // Anything but the reader's own refusal (a TypeError, a stack overflow) is a bug.
    if (!(error instanceof refusal)) throw error;
    return { refused: true };
  }
}

function expectAgreement(xml: string): void {
  const actual = outcome(() => reader.read(xml), XmlReadError);
  const expected = outcome(() => oracle.read(xml), ReferenceXmlReadError);
  expect(actual, xml).toEqual(expected);
}

/** Text XML 1.0 can carry, as the sandbox stores and the transport sends it. */
const text = messageArbitrary.filter((m) => !XML_ILLEGAL.test(m));
const shortText = fc.oneof(
  fc.constantFrom('', ' ', '1', '0', 'true', '007', 'whatsapp', 'CHANNEL_NOT_FOUND'),
  text,
);

const sandboxResponse = fc
  .tuple(
    fc.constantFrom(...METHODS),
    fc.oneof(
      fc.record({
        status: fc.constant('success' as const),
        result: fc.option(
          fc.array(fc.dictionary(fc.constantFrom(...RESULT_ITEM_FIELDS), shortText), {
            maxLength: 4,
          }),
          { nil: null },
        ),
      }),
      fc.record({ status: fc.constant('error' as const), error: shortText }),
    ),
  )
  .map(([method, envelope]) => encodeSoapResponse(method, envelope));

const sandboxFault = fc
  .record({
    faultCode: fc.constantFrom<SoapFault['faultCode']>(
      'soapenv:Client',
      'soapenv:Server',
      'soapenv:VersionMismatch',
      'soapenv:MustUnderstand',
    ),
    faultString: text,
  })
  .map(encodeSoapFault);

const transportRequest = fc
  .tuple(
    fc.constantFrom(...METHODS),
    fc.array(fc.tuple(fc.constantFrom('platform', 'platformid', 'destination', 'message'), text), {
      maxLength: 4,
    }),
    fc.record({ user: text, password: text }),
    fc.option(fc.uint8Array({ minLength: 16, maxLength: 16 }), { nil: undefined }),
  )
  .map(([method, params, credentials, nonce]) =>
    encodeEnvelope(
      { method, params },
      encodeUsernameToken(
        credentials,
        nonce === undefined
          ? undefined
          : { nonce: Buffer.from(nonce), created: '2024-05-01T10:00:00.000Z' },
      ),
    ),
  );

/** A leaf's content as a server may spell it: escaped, by character references, in CDATA, split by comments. */
const spelledText = fc
  .tuple(text, fc.constantFrom('escaped', 'references', 'cdata', 'comment'))
  .map(([value, style]) => {
    if (style === 'references') return [...value].map((c) => `&#${c.codePointAt(0)};`).join('');
    if (style === 'cdata') return `<![CDATA[${value.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
    if (style === 'comment') return `${escapeXml(value)}<!-- a note -->${escapeXml(value)}`;
    return escapeXml(value);
  });

/** An answer of the API as the tolerance cases write it: any prefix, a default namespace, whitespace, BOM, nil. */
const toleranceResponse = fc
  .record({
    method: fc.constantFrom(...METHODS),
    envPrefix: fc.constantFrom('soap:', 'SOAP-ENV:', 's:', 'env:', ''),
    chatPrefix: fc.constantFrom('m:', 'ns1:', 'c:', ''),
    header: fc.boolean(),
    prolog: fc.constantFrom(
      '',
      '<?xml version="1.0" encoding="UTF-8"?>',
      '\uFEFF<?xml version="1.0"?>\n',
      '<!-- generated -->',
    ),
    indent: fc.constantFrom('', '\n ', '\r\n\t'),
    quote: fc.constantFrom('"', "'"),
    status: fc.constantFrom('success', 'SUCCESS', 'error', ' success '),
    items: fc.array(
      fc.array(fc.tuple(fc.constantFrom(...RESULT_ITEM_FIELDS), spelledText, fc.boolean()), {
        maxLength: 5,
      }),
      { maxLength: 3 },
    ),
    result: fc.constantFrom('items', 'empty', 'nil', 'none'),
  })
  .map((t) => {
    const q = t.quote;
    const envNs =
      t.envPrefix === ''
        ? `xmlns=${q}${REF_SOAP_ENV}${q}`
        : `xmlns:${t.envPrefix.slice(0, -1)}=${q}${REF_SOAP_ENV}${q}`;
    const chatNs =
      t.chatPrefix === ''
        ? `xmlns=${q}urn:afilnet:chat${q}`
        : `xmlns:${t.chatPrefix.slice(0, -1)}=${q}urn:afilnet:chat${q}`;
    const n = t.indent;
    const field = ([name, value, nil]: [string, string, boolean]) =>
      nil ? `<${name} xsi:nil=${q}true${q}/>` : `<${name}>${value}</${name}>`;
    const result =
      t.result === 'items'
        ? `<result>${t.items.map((fields) => `${n}<item>${fields.map(field).join(n)}</item>`).join('')}${n}</result>`
        : t.result === 'empty'
          ? '<result/>'
          : t.result === 'nil'
            ? `<result xsi:nil = ${q}true${q} />`
            : '';
    const wrapper = `${t.chatPrefix}${t.method}Response`;
    const p = t.envPrefix;
    return (
      `${t.prolog}<${p}Envelope ${envNs} xmlns:xsi=${q}${REF_XSI}${q}>${n}` +
      `${t.header ? `<${p}Header/>${n}` : ''}<${p}Body>${n}` +
      `<${wrapper} ${chatNs}>${n}<status>${t.status}</status>${n}${result}</${wrapper}>${n}` +
      `</${p}Body>${n}</${p}Envelope>${n}`
    );
  });

const document = fc.oneof(sandboxResponse, sandboxFault, transportRequest, toleranceResponse);

describe('the single-pass XML reader agrees with its predecessor', () => {
  it('on every envelope the sandbox, the transport and the tolerance cases write', () => {
    fc.assert(fc.property(document, expectAgreement), { numRuns: RUNS * 2 });
  });

  it('on those documents cut short at any character', () => {
    fc.assert(
      fc.property(document, fc.nat(), (xml, at) =>
        expectAgreement(xml.slice(0, at % (xml.length + 1))),
      ),
      { numRuns: RUNS * 2 },
    );
  });

  it('on the arbitrary answers the property suite sends', () => {
    fc.assert(
      fc.property(fc.constantFrom(...METHODS).chain(answerArbitrary), (answer) =>
        expectAgreement(Buffer.from(answer.body).toString('utf8')),
      ),
      { numRuns: RUNS * 2 },
    );
  });

  it.each([
    ['a DOCTYPE', '<!DOCTYPE r [<!ENTITY a "b">]><r>&a;</r>'],
    [
      'a DOCTYPE behind a BOM, a declaration and a comment',
      '\uFEFF<?xml version="1.0"?><!-- hi --><!doctype s [<!ENTITY x "y">]><s/>',
    ],
    ['an external entity', '<!DOCTYPE s [<!ENTITY x SYSTEM "file:///etc/passwd">]><s>&x;</s>'],
    ['an undeclared entity', '<r>&lol;</r>'],
    ['unterminated references', `<r>${'&a'.repeat(1000)}</r>`],
    ['a __proto__ element', '<r><__proto__><polluted>yes</polluted></__proto__></r>'],
    ['a constructor attribute', '<r constructor="1"/>'],
    ['a prototype element', '<r><prototype/></r>'],
    ['a namespaced __proto__', '<r xmlns:p="urn:p"><p:__proto__>x</p:__proto__></r>'],
    ['deep nesting', `${'<a>'.repeat(40)}${'</a>'.repeat(40)}`],
    ['a repeated attribute', '<r a="1" a="2"/>'],
    ['an attribute without a value', '<r a/>'],
    ['an unquoted attribute', '<r a=1/>'],
    ['a mismatched end tag', '<r><a></r>'],
    ['two roots', '<r/><s/>'],
    ['no root', ' <!-- only a comment --> '],
    ['an unbound prefix', '<p:r/>'],
    ['the xml prefix', '<r xml:lang="fr"/>'],
    ['an undeclared default namespace', '<r xmlns="urn:a"><s xmlns=""/></r>'],
  ])('on %s', (_label, xml) => {
    expectAgreement(xml);
  });
});
