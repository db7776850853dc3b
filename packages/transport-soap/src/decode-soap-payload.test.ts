import { describe, expect, it } from 'vitest';
import { createXmlReader } from '@afilnet-chat/soap-xml';
import { decodeSoapPayload } from './decode-soap-payload.js';

const reader = createXmlReader();
const ENV = 'http://schemas.xmlsoap.org/soap/envelope/';
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

const ITEM =
  '<item><platformid>100</platformid><platform>whatsapp</platform><name>Sales</name></item>';
const CHANNEL = { platformid: '100', platform: 'whatsapp', name: 'Sales' };

describe('decodeSoapPayload: prefixes are arbitrary', () => {
  it.each([
    [
      'soap:',
      `<soap:Envelope xmlns:soap="${ENV}"><soap:Body><c:getchatchannelsResponse xmlns:c="urn:afilnet:chat"><status>success</status><result>${ITEM}</result></c:getchatchannelsResponse></soap:Body></soap:Envelope>`,
    ],
    [
      'SOAP-ENV:',
      `<SOAP-ENV:Envelope xmlns:SOAP-ENV="${ENV}" xmlns:ns1="urn:afilnet:chat"><SOAP-ENV:Header/><SOAP-ENV:Body><ns1:getchatchannelsResponse><status>success</status><result>${ITEM}</result></ns1:getchatchannelsResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>`,
    ],
    [
      'default namespace',
      `<Envelope xmlns="${ENV}"><Body><getchatchannelsResponse xmlns="urn:afilnet:chat"><status>success</status><result>${ITEM}</result></getchatchannelsResponse></Body></Envelope>`,
    ],
    [
      'qualified children',
      `<e:Envelope xmlns:e="${ENV}"><e:Body><c:getchatchannelsResponse xmlns:c="urn:afilnet:chat"><c:status>success</c:status><c:result><c:item><c:platformid>100</c:platformid><c:platform>whatsapp</c:platform><c:name>Sales</c:name></c:item></c:result></c:getchatchannelsResponse></e:Body></e:Envelope>`,
    ],
    [
      'whitespace and a declaration',
      `<?xml version="1.0" encoding="UTF-8"?>\n<s:Envelope xmlns:s="${ENV}">\n  <s:Body>\n    <x:getchatchannelsResponse xmlns:x="urn:afilnet:chat">\n      <status>success</status>\n      <result>\n        ${ITEM}\n      </result>\n    </x:getchatchannelsResponse>\n  </s:Body>\n</s:Envelope>\n`,
    ],
  ])('reads %s', (_label, xml) => {
    expect(decodeSoapPayload(reader, 'getchatchannels', xml)).toEqual({
      kind: 'envelope',
      value: { status: 'success', result: [CHANNEL] },
    });
  });

  it('does not trust a prefix bound to another namespace', () => {
    const xml = `<soap:Envelope xmlns:soap="urn:not-soap"><soap:Body/></soap:Envelope>`;
    expect(decodeSoapPayload(reader, 'getchatchannels', xml).kind).toBe('unparseable');
  });

  it('wants the method response wrapper in urn:afilnet:chat', () => {
    const xml = `<s:Envelope xmlns:s="${ENV}"><s:Body><getchatchannelsResponse><status>success</status></getchatchannelsResponse></s:Body></s:Envelope>`;
    expect(decodeSoapPayload(reader, 'getchatchannels', xml).kind).toBe('unparseable');
  });
});

const wrap = (method: string, content: string) =>
  `<s:Envelope xmlns:s="${ENV}" xmlns:xsi="${XSI}"><s:Body><c:${method}Response xmlns:c="urn:afilnet:chat">${content}</c:${method}Response></s:Body></s:Envelope>`;

describe('decodeSoapPayload: results', () => {
  it('reads one item as a list of one', () => {
    expect(
      decodeSoapPayload(
        reader,
        'getchatchannels',
        wrap('getchatchannels', `<status>success</status><result>${ITEM}</result>`),
      ),
    ).toEqual({
      kind: 'envelope',
      value: { status: 'success', result: [CHANNEL] },
    });
  });

  it('reads many items in order', () => {
    const value = decodeSoapPayload(
      reader,
      'getchatchannels',
      wrap(
        'getchatchannels',
        `<status>success</status><result>${ITEM}${ITEM.replace('100', '200')}</result>`,
      ),
    );
    expect(value).toMatchObject({
      value: { result: [CHANNEL, { ...CHANNEL, platformid: '200' }] },
    });
  });

  it.each([
    ['<result/>', ''],
    ['<result></result>', ''],
    ['<result xsi:nil="true"/>', null],
    ['<result>\n  </result>', ''],
    ['<result>text</result>', 'text'],
    ['<result><list>x</list></result>', { list: 'x' }],
  ])('reads %s', (result, expected) => {
    expect(
      decodeSoapPayload(
        reader,
        'sendmessage',
        wrap('sendmessage', `<status>success</status>${result}`),
      ),
    ).toEqual({
      kind: 'envelope',
      value: { status: 'success', result: expected },
    });
  });

  it('leaves an absent result absent', () => {
    expect(
      decodeSoapPayload(reader, 'sendmessage', wrap('sendmessage', '<status>SUCCESS</status>')),
    ).toEqual({ kind: 'envelope', value: { status: 'SUCCESS' } });
  });

  it('reads an error', () => {
    expect(
      decodeSoapPayload(
        reader,
        'sendmessage',
        wrap('sendmessage', '<status>error</status><error> CHANNEL_NOT_FOUND </error>'),
      ),
    ).toEqual({
      kind: 'envelope',
      value: { status: 'error', error: 'CHANNEL_NOT_FOUND' },
    });
  });

  it('reads a nil field as null', () => {
    const value = decodeSoapPayload(
      reader,
      'getchatchannels',
      wrap(
        'getchatchannels',
        '<status>success</status><result><item><name xsi:nil="true"/></item></result>',
      ),
    );
    expect(value).toEqual({
      kind: 'envelope',
      value: { status: 'success', result: [{ name: null }] },
    });
  });

  it('keeps a field named __proto__ in another namespace an own property', () => {
    const value = decodeSoapPayload(
      reader,
      'getchatchannels',
      wrap(
        'getchatchannels',
        '<status>success</status><result><item xmlns:p="urn:p"><p:__proto__>x</p:__proto__></item></result>',
      ),
    );
    const item = (value as { value: { result: object[] } }).value.result[0] as Record<
      string,
      unknown
    >;
    expect(Object.getPrototypeOf(item)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(item, '__proto__')?.value).toBe('x');
  });
});

describe('decodeSoapPayload: faults and refusals', () => {
  it('maps a Fault', () => {
    const xml = `<soap:Envelope xmlns:soap="${ENV}"><soap:Body><soap:Fault><faultcode>soap:Client</faultcode><faultstring>Bad &amp; wrong</faultstring></soap:Fault></soap:Body></soap:Envelope>`;
    expect(decodeSoapPayload(reader, 'sendmessage', xml)).toEqual({
      kind: 'fault',
      faultCode: 'soap:Client',
      faultString: 'Bad & wrong',
    });
  });

  it.each([
    ['an empty body', ''],
    ['JSON', '{"status":"success"}'],
    ['HTML', '<html><body>502</body></html>'],
    [
      'a SOAP 1.2 envelope',
      '<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body/></e:Envelope>',
    ],
    ['a DOCTYPE', `<!DOCTYPE x><s:Envelope xmlns:s="${ENV}"/>`],
  ])('calls %s unparseable', (_label, body) => {
    expect(decodeSoapPayload(reader, 'sendmessage', body).kind).toBe('unparseable');
  });
});
