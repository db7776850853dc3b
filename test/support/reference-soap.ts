/**
 * An independent reference for the SOAP flavour's wire (docs/behaviour.md#soap), written from
 * the envelope docs/basic-and-soap.md shows and the OASIS UsernameToken Profile rather than from the SDK's encoder, so that wire
 * tests do not check the SDK against itself; and a SOAP server's encoding of a JSON-shaped
 * envelope, with prefixes the SDK never writes.
 */
import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import type { WireReply } from './wire-capture.js';

export const REF_SOAP_ENV = 'http://schemas.xmlsoap.org/soap/envelope/';
export const REF_WSSE =
  'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
export const REF_WSU =
  'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
export const REF_XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const PROFILE =
  'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0';
const BASE64_BINARY =
  'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary';

/** XML text escaping, character by character. */
export function referenceXmlText(value: string): string {
  let out = '';
  for (const c of value) {
    if (c === '&') out += '&amp;';
    else if (c === '<') out += '&lt;';
    else if (c === '>') out += '&gt;';
    else if (c === '"') out += '&quot;';
    else if (c === "'") out += '&apos;';
    else if (c === '\r') out += '&#xD;';
    else out += c;
  }
  return out;
}

function referenceWrapper(method: string, wire: ReadonlyArray<readonly [string, string]>): string {
  if (wire.length === 0) return `<chat:${method}/>`;
  return `<chat:${method}>${wire.map(([n, v]) => `<${n}>${referenceXmlText(v)}</${n}>`).join('')}</chat:${method}>`;
}

function referenceEnvelope(
  security: string,
  method: string,
  wire: ReadonlyArray<readonly [string, string]>,
): string {
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    `<soapenv:Envelope xmlns:soapenv="${REF_SOAP_ENV}" xmlns:chat="urn:afilnet:chat">` +
    `<soapenv:Header>${security}</soapenv:Header>` +
    `<soapenv:Body>${referenceWrapper(method, wire)}</soapenv:Body>` +
    '</soapenv:Envelope>'
  );
}

/** The exact PasswordText request body. */
export function referenceSoapTextBody(
  method: string,
  wire: ReadonlyArray<readonly [string, string]>,
  account: { user: string; password: string },
): string {
  const security =
    `<wsse:Security soapenv:mustUnderstand="1" xmlns:wsse="${REF_WSSE}"><wsse:UsernameToken>` +
    `<wsse:Username>${referenceXmlText(account.user)}</wsse:Username>` +
    `<wsse:Password Type="${PROFILE}#PasswordText">${referenceXmlText(account.password)}</wsse:Password>` +
    '</wsse:UsernameToken></wsse:Security>';
  return referenceEnvelope(security, method, wire);
}

/**
 * Asserts a PasswordDigest request body: the exact envelope around a fresh nonce (16 bytes),
 * a `Created` within a minute of now, and the digest Base64(SHA-1(nonce + created + password)).
 */
export function assertSoapDigestBody(
  body: string,
  method: string,
  wire: ReadonlyArray<readonly [string, string]>,
  account: { user: string; password: string },
): void {
  const nonce = /<wsse:Nonce [^>]*>([^<]*)<\/wsse:Nonce>/.exec(body)?.[1] ?? '';
  const created = /<wsu:Created>([^<]*)<\/wsu:Created>/.exec(body)?.[1] ?? '';
  expect(Buffer.from(nonce, 'base64')).toHaveLength(16);
  expect(created).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
  expect(Math.abs(Date.parse(created) - Date.now())).toBeLessThan(60_000);
  const digest = createHash('sha1')
    .update(
      Buffer.concat([
        Buffer.from(nonce, 'base64'),
        Buffer.from(created, 'utf8'),
        Buffer.from(account.password, 'utf8'),
      ]),
    )
    .digest('base64');
  const security =
    `<wsse:Security soapenv:mustUnderstand="1" xmlns:wsse="${REF_WSSE}" xmlns:wsu="${REF_WSU}"><wsse:UsernameToken>` +
    `<wsse:Username>${referenceXmlText(account.user)}</wsse:Username>` +
    `<wsse:Password Type="${PROFILE}#PasswordDigest">${digest}</wsse:Password>` +
    `<wsse:Nonce EncodingType="${BASE64_BINARY}">${nonce}</wsse:Nonce>` +
    `<wsu:Created>${created}</wsu:Created>` +
    '</wsse:UsernameToken></wsse:Security>';
  expect(body).toBe(referenceEnvelope(security, method, wire));
  expect(body).not.toContain(account.password);
}

function field(name: string, value: unknown): string {
  if (value === null) return `<${name} xsi:nil="true"/>`;
  return `<${name}>${referenceXmlText(String(value))}</${name}>`;
}

function items(list: unknown[]): string {
  return list
    .map(
      (item) =>
        `<item>${Object.entries(item as Record<string, unknown>)
          .map(([k, v]) => field(k, v))
          .join('')}</item>`,
    )
    .join('');
}

function resultElement(result: unknown): string {
  if (result === undefined) return '';
  if (result === null) return '<result xsi:nil="true"/>';
  const list = Array.isArray(result)
    ? result
    : typeof result === 'object' && Array.isArray((result as { list?: unknown }).list)
      ? (result as { list: unknown[] }).list
      : undefined;
  if (list !== undefined)
    return list.length === 0 ? '<result/>' : `<result>${items(list)}</result>`;
  if (typeof result === 'object') return '<result/>';
  return field('result', result);
}

/**
 * A SOAP 1.1 response carrying a JSON-shaped envelope, as a server would write it: prefixes
 * `SOAP-ENV:` and `ns1:`, items as `<item>` elements, `null` as `xsi:nil`.
 */
export function referenceSoapResponse(method: string, envelope: unknown): string {
  const e = (typeof envelope === 'object' && envelope !== null ? envelope : {}) as Record<
    string,
    unknown
  >;
  let content = '';
  for (const [key, value] of Object.entries(e)) {
    content += key === 'result' ? resultElement(value) : field(key, value);
  }
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<SOAP-ENV:Envelope xmlns:SOAP-ENV="${REF_SOAP_ENV}" xmlns:ns1="urn:afilnet:chat" xmlns:xsi="${REF_XSI}">` +
    `<SOAP-ENV:Body><ns1:${method}Response>${content}</ns1:${method}Response></SOAP-ENV:Body></SOAP-ENV:Envelope>`
  );
}

/** The method a captured SOAP request calls, read from its wrapper element. */
export function soapMethodOf(body: string): string {
  return /<soapenv:Body><chat:([a-z]+)[/>]/.exec(body)?.[1] ?? 'unknown';
}

/** A 200 reply with {@link referenceSoapResponse}. */
export function soapReply(body: string, envelope: unknown): WireReply {
  return {
    status: 200,
    body: referenceSoapResponse(soapMethodOf(body), envelope),
    headers: { 'content-type': 'text/xml; charset=utf-8' },
  };
}
