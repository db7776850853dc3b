/**
 * Bodies a server may answer, good and bad, in both body formats: JSON (GET, POST, Basic,
 * JSON+OAuth) and SOAP XML.
 */
import type { ChatMethod } from '@afilnet-chat/core';

export type BodyFormat = 'json' | 'xml';

/** The SOAP 1.1 envelope namespace. */
export const SOAP_ENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
const SOAP_ENV = SOAP_ENV_NS;

export const CONTENT_TYPE: Readonly<Record<BodyFormat, string>> = {
  json: 'application/json',
  xml: 'text/xml; charset=utf-8',
};

const isList = (method: ChatMethod) => method !== 'sendmessage' && method !== 'sendfile';

/** A success envelope with an empty list (reads) or no result (sends), in the flavour's format. */
export function successBody(format: BodyFormat, method: ChatMethod): string {
  if (format === 'json')
    return JSON.stringify(
      isList(method) ? { status: 'success', result: [] } : { status: 'success' },
    );
  return (
    `<?xml version="1.0" encoding="utf-8"?>` +
    `<soapenv:Envelope xmlns:soapenv="${SOAP_ENV}" xmlns:chat="urn:afilnet:chat"><soapenv:Body>` +
    `<chat:${method}Response><status>success</status>${isList(method) ? '<result/>' : ''}</chat:${method}Response>` +
    `</soapenv:Body></soapenv:Envelope>`
  );
}

/** An API error envelope with `code`, in the flavour's format. */
export function errorBody(format: BodyFormat, method: ChatMethod, code: string): string {
  if (format === 'json') return JSON.stringify({ status: 'error', error: code });
  return (
    `<?xml version="1.0" encoding="utf-8"?>` +
    `<soapenv:Envelope xmlns:soapenv="${SOAP_ENV}" xmlns:chat="urn:afilnet:chat"><soapenv:Body>` +
    `<chat:${method}Response><status>error</status><error>${escapeXml(code)}</error></chat:${method}Response>` +
    `</soapenv:Body></soapenv:Envelope>`
  );
}

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** What a proxy or PHP error page answers on a 5xx. */
export const HTML_ERROR_PAGE =
  '<!DOCTYPE html><html><head><title>503 Service Unavailable</title></head>' +
  '<body><h1>Service Unavailable</h1><p>The server is temporarily unable to service your request.</p></body></html>';

/** A JSON success envelope cut in the middle of a list item. */
export const TRUNCATED_JSON = '{"status":"success","result":[{"platformid":"100","platform":"whats';

/** Well-formed JSON that is not an API envelope. */
export const NON_ENVELOPE_JSONS: readonly string[] = [
  '{"hello":"world"}',
  '[{"status":"success"}]',
  '"success"',
  'null',
  '{"status":"maybe","result":[]}',
];

/** XML that is not well-formed. */
export const MALFORMED_XML =
  `<?xml version="1.0" encoding="utf-8"?><soapenv:Envelope xmlns:soapenv="${SOAP_ENV}"><soapenv:Body>` +
  '<chat:getchatchannelsResponse xmlns:chat="urn:afilnet:chat"><status>success</status><result><item>';

/** A SOAP 1.1 Fault, as servers send for protocol problems (HTTP 500). */
export function soapFault(faultString = 'Server was unable to process request'): string {
  return (
    `<?xml version="1.0" encoding="utf-8"?><soapenv:Envelope xmlns:soapenv="${SOAP_ENV}"><soapenv:Body>` +
    `<soapenv:Fault><faultcode>soapenv:Server</faultcode><faultstring>${escapeXml(faultString)}</faultstring></soapenv:Fault>` +
    `</soapenv:Body></soapenv:Envelope>`
  );
}

/**
 * The "billion laughs": ten levels of ten references, about 1 KB on the wire and 3 GB once
 * expanded. A parser that expands it runs out of memory or time.
 */
export const ENTITY_BOMB = (() => {
  let doctype = '<!DOCTYPE soapenv:Envelope [<!ENTITY lol0 "lollollollollollollollollollol">';
  for (let level = 1; level <= 9; level++) {
    doctype += `<!ENTITY lol${level} "${`&lol${level - 1};`.repeat(10)}">`;
  }
  doctype += ']>';
  return (
    `<?xml version="1.0" encoding="utf-8"?>${doctype}<soapenv:Envelope xmlns:soapenv="${SOAP_ENV}" xmlns:chat="urn:afilnet:chat">` +
    '<soapenv:Body><chat:getchatchannelsResponse><status>success</status><result><item>' +
    '<platformid>100</platformid><platform>whatsapp</platform><name>&lol9;</name>' +
    '</item></result></chat:getchatchannelsResponse></soapenv:Body></soapenv:Envelope>'
  );
})();

/** An external-entity document (XXE): a parser that resolves it reads a local file. */
export const EXTERNAL_ENTITY =
  `<?xml version="1.0" encoding="utf-8"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` +
  `<soapenv:Envelope xmlns:soapenv="${SOAP_ENV}" xmlns:chat="urn:afilnet:chat"><soapenv:Body>` +
  '<chat:getchatchannelsResponse><status>&xxe;</status><result/></chat:getchatchannelsResponse></soapenv:Body></soapenv:Envelope>';
