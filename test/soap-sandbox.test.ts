/**
 * The sandbox's SOAP door over real sockets (docs/behaviour.md#sandbox): the WSDL, Faults for protocol
 * problems, API errors as normal responses, PasswordDigest with its 5-minute window and nonce
 * replay refusal, and the client's view of each.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AfilnetApiError, createChatClient } from '@afilnet-chat/core';
import { startSandbox, type Sandbox } from '@afilnet-chat/sandbox';
import { DEMO } from './support/account.js';
import { REF_SOAP_ENV, REF_WSSE, REF_WSU, referenceXmlText } from './support/reference-soap.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.close();
});

const PROFILE =
  'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0';
const BODY = '<c:getchatchannels xmlns:c="urn:afilnet:chat"/>';

function envelope(header: string, body = BODY, envNs = REF_SOAP_ENV): string {
  return `<?xml version="1.0"?><e:Envelope xmlns:e="${envNs}"><e:Header>${header}</e:Header><e:Body>${body}</e:Body></e:Envelope>`;
}

function textToken(user: string, password: string, mustUnderstand = true): string {
  return (
    `<wsse:Security${mustUnderstand ? ' e:mustUnderstand="1"' : ''} xmlns:wsse="${REF_WSSE}"><wsse:UsernameToken>` +
    `<wsse:Username>${referenceXmlText(user)}</wsse:Username><wsse:Password Type="${PROFILE}#PasswordText">${referenceXmlText(password)}</wsse:Password>` +
    '</wsse:UsernameToken></wsse:Security>'
  );
}

function digestToken(
  created: string,
  nonce = randomBytes(16),
  password: string = DEMO.password,
): string {
  const digest = createHash('sha1')
    .update(Buffer.concat([nonce, Buffer.from(created), Buffer.from(password)]))
    .digest('base64');
  return (
    `<wsse:Security xmlns:wsse="${REF_WSSE}" xmlns:wsu="${REF_WSU}"><wsse:UsernameToken><wsse:Username>${DEMO.user}</wsse:Username>` +
    `<wsse:Password Type="${PROFILE}#PasswordDigest">${digest}</wsse:Password><wsse:Nonce>${nonce.toString('base64')}</wsse:Nonce>` +
    `<wsu:Created>${created}</wsu:Created></wsse:UsernameToken></wsse:Security>`
  );
}

async function post(
  body: string,
  contentType = 'text/xml; charset=utf-8',
): Promise<{ status: number; text: string }> {
  const response = await fetch(`${sandbox.url}/api/soap/`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });
  return { status: response.status, text: await response.text() };
}

const outcome = (text: string) =>
  /<status>([^<]*)<\/status>(?:<error>([^<]*)<\/error>)?/.exec(text)?.slice(1, 3);
const faultCode = (text: string) => /<faultcode>([^<]*)<\/faultcode>/.exec(text)?.[1];

describe('SOAP door: WSDL', () => {
  it('serves the WSDL at ?wsdl with its own address', async () => {
    const response = await fetch(`${sandbox.url}/api/soap/?wsdl`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/xml/);
    const text = await response.text();
    expect(text).toContain(`<soap:address location="${sandbox.url}/api/soap/"/>`);
    for (const op of [
      'getchatchannels',
      'sendmessage',
      'sendfile',
      'getchats',
      'getmessages',
      'getunreadmessages',
    ]) {
      expect(text).toContain(`soapAction="urn:afilnet:chat#${op}"`);
    }
  });
});

describe('SOAP door: authentication', () => {
  it('accepts PasswordText, with or without mustUnderstand', async () => {
    for (const mu of [true, false]) {
      const { status, text } = await post(envelope(textToken(DEMO.user, DEMO.password, mu)));
      expect(status).toBe(200);
      expect(outcome(text)).toEqual(['success', undefined]);
    }
  });

  it.each([
    ['no Security header', '', 'MISSING_USER'],
    [
      'no Username',
      `<wsse:Security xmlns:wsse="${REF_WSSE}"><wsse:UsernameToken><wsse:Password>x</wsse:Password></wsse:UsernameToken></wsse:Security>`,
      'MISSING_USER',
    ],
    [
      'no Password',
      `<wsse:Security xmlns:wsse="${REF_WSSE}"><wsse:UsernameToken><wsse:Username>${DEMO.user}</wsse:Username></wsse:UsernameToken></wsse:Security>`,
      'MISSING_PASSWORD',
    ],
    ['a wrong password', textToken(DEMO.user, 'wrong'), 'INCORRECT_USER_PASSWORD'],
  ])('answers %s with a normal error response', async (_label, header, code) => {
    const { status, text } = await post(envelope(header));
    expect(status).toBe(200);
    expect(outcome(text)).toEqual(['error', code]);
  });

  it.each([
    ['Z with milliseconds', (d: Date) => d.toISOString()],
    ['Z without fraction', (d: Date) => d.toISOString().replace(/\.\d+Z$/, 'Z')],
    ['+00:00', (d: Date) => d.toISOString().replace(/\.\d+Z$/, '+00:00')],
  ])('accepts a digest with Created as %s', async (_label, format) => {
    const { text } = await post(envelope(digestToken(format(new Date()))));
    expect(outcome(text)).toEqual(['success', undefined]);
  });

  it.each([
    ['6 minutes old', -6],
    ['6 minutes ahead', 6],
  ])('refuses a digest whose Created is %s', async (_label, minutes) => {
    const { text } = await post(
      envelope(digestToken(new Date(Date.now() + minutes * 60_000).toISOString())),
    );
    expect(outcome(text)).toEqual(['error', 'INCORRECT_USER_PASSWORD']);
  });

  it('refuses a replayed nonce', async () => {
    const token = digestToken(new Date().toISOString());
    expect(outcome((await post(envelope(token))).text)).toEqual(['success', undefined]);
    expect(outcome((await post(envelope(token))).text)).toEqual([
      'error',
      'INCORRECT_USER_PASSWORD',
    ]);
  });

  it('refuses a digest made with the wrong password', async () => {
    const { text } = await post(
      envelope(digestToken(new Date().toISOString(), randomBytes(16), 'wrong')),
    );
    expect(outcome(text)).toEqual(['error', 'INCORRECT_USER_PASSWORD']);
  });
});

describe('SOAP door: authentication comes before the parameters are read', () => {
  /** A body whose parameters are not well-formed XML: read, they would be a Fault. */
  const brokenParameters =
    '<c:sendmessage xmlns:c="urn:afilnet:chat"><platform>whatsapp</platform><message>&bogus;<unclosed></c:sendmessage>';

  it.each([
    ['no Security header', '', 'MISSING_USER'],
    ['a wrong password', textToken(DEMO.user, 'wrong'), 'INCORRECT_USER_PASSWORD'],
    [
      'a digest made with the wrong password',
      digestToken(new Date().toISOString(), randomBytes(16), 'wrong'),
      'INCORRECT_USER_PASSWORD',
    ],
  ])('answers %s with the error, whatever follows the operation', async (_label, header, code) => {
    const { status, text } = await post(envelope(header, brokenParameters));
    expect(status).toBe(200);
    expect(text).toContain('<chat:sendmessageResponse>');
    expect(outcome(text)).toEqual(['error', code]);
  });

  it('still answers an authenticated request with broken parameters with a Fault', async () => {
    const { status, text } = await post(
      envelope(textToken(DEMO.user, DEMO.password), brokenParameters),
    );
    expect(status).toBe(500);
    expect(faultCode(text)).toBe('soapenv:Client');
  });

  it('refuses a big unauthenticated request full of namespace declarations about as fast as it serves a plain one of its size', async () => {
    const SIZE = 400 * 1024;
    const fill = (each: (i: number) => string, size: number) => {
      const parts: string[] = [];
      for (let i = 0, length = 0; length < size; i++)
        length += (parts[parts.length] = each(i)).length;
      return parts.join('');
    };
    const plain = envelope(
      textToken(DEMO.user, DEMO.password),
      `<c:getchatchannels xmlns:c="urn:afilnet:chat">${fill((i) => `<note>plain text ${i}</note>`, SIZE)}</c:getchatchannels>`,
    );
    const declarations = Array.from({ length: 10_000 }, (_, i) => ` xmlns:p${i}="urn:p${i}"`).join(
      '',
    );
    const pathological = envelope(
      '',
      `<c:getchatchannels xmlns:c="urn:afilnet:chat"><p1:notes${declarations}>${fill((i) => `<p1:note xmlns:q="urn:q${i % 7}"/>`, SIZE - declarations.length)}</p1:notes></c:getchatchannels>`,
    );
    const fastest = async (body: string, expected: [string, string | undefined], enough = 0) => {
      let best = Number.POSITIVE_INFINITY;
      for (let i = 0; i < 3 && best > enough; i++) {
        const started = performance.now();
        const { text } = await post(body);
        best = Math.min(best, performance.now() - started);
        expect(outcome(text)).toEqual(expected);
      }
      return best;
    };
    const plainMs = await fastest(plain, ['success', undefined]);
    const refusedMs = await fastest(pathological, ['error', 'MISSING_USER'], plainMs * 2);
    expect(refusedMs / plainMs).toBeLessThan(10);
  });
});

describe('SOAP door: protocol problems are Faults with HTTP 500', () => {
  const valid = () => envelope(textToken(DEMO.user, DEMO.password));
  it.each([
    [
      'a DOCTYPE',
      () => `<!DOCTYPE e [<!ENTITY a "aaaa">]>${valid().replace('<?xml version="1.0"?>', '')}`,
      'text/xml',
      'soapenv:Client',
    ],
    ['malformed XML', () => valid().slice(0, -5), 'text/xml', 'soapenv:Client'],
    [
      'an unknown operation',
      () =>
        envelope(
          textToken(DEMO.user, DEMO.password),
          '<c:deleteeverything xmlns:c="urn:afilnet:chat"/>',
        ),
      'text/xml',
      'soapenv:Client',
    ],
    [
      'an operation outside urn:afilnet:chat',
      () => envelope(textToken(DEMO.user, DEMO.password), '<getchatchannels/>'),
      'text/xml',
      'soapenv:Client',
    ],
    [
      'a SOAP 1.2 envelope',
      () => envelope('', BODY, 'http://www.w3.org/2003/05/soap-envelope'),
      'text/xml',
      'soapenv:VersionMismatch',
    ],
    [
      'the SOAP 1.2 content type',
      valid,
      'application/soap+xml; charset=utf-8',
      'soapenv:VersionMismatch',
    ],
    ['a form content type', valid, 'application/x-www-form-urlencoded', 'soapenv:Client'],
    [
      'a header it must understand but does not',
      () =>
        envelope(
          `<x:Tx e:mustUnderstand="1" xmlns:x="urn:x"/>${textToken(DEMO.user, DEMO.password)}`,
        ),
      'text/xml',
      'soapenv:MustUnderstand',
    ],
  ])('%s', async (_label, body, contentType, code) => {
    const { status, text } = await post(body(), contentType);
    expect(status).toBe(500);
    expect(faultCode(text)).toBe(code);
  });
});

describe('SOAP door: through the client', () => {
  it('keeps an item with every XML special character intact', async () => {
    const chat = createChatClient({
      transport: 'soap',
      baseUrl: sandbox.url,
      credentials: DEMO,
      allowInsecureHttp: true,
    });
    const message = `<b>&amp; "quoted" 'single' ]]> \r\n 😀 tab\t`;
    await chat.sendMessage({
      platform: 'webchat',
      platformId: '300',
      destination: 'xml-visitor',
      message,
    });
    const [stored] = await chat.getMessages({
      platform: 'webchat',
      platformId: '300',
      destination: 'xml-visitor',
    });
    expect(stored?.message).toBe(message);
    await chat.close();
  });

  it('surfaces an API error as AfilnetApiError with no secret anywhere', async () => {
    const chat = createChatClient({
      transport: 'soap',
      baseUrl: sandbox.url,
      credentials: { user: DEMO.user, password: 'wrong-secret-pw' },
      allowInsecureHttp: true,
    });
    const error = await chat.getChatChannels().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AfilnetApiError);
    expect(error).toMatchObject({ code: 'INCORRECT_USER_PASSWORD', httpStatus: 200 });
    const all = `${String(error)} ${JSON.stringify(error)} ${(error as Error).stack ?? ''}`;
    expect(all).not.toContain('wrong-secret-pw');
    await chat.close();
  });
});
