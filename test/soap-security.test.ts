/**
 * The SOAP transport against hostile servers (real sockets, 127.0.0.1): entity expansion
 * (billion laughs, XXE), prototype pollution through element names, pathological entity and
 * nesting patterns (fast-xml-parser's published advisories), documents full of namespace
 * declarations, and oversized bodies. Each ends in `AfilnetTransportError` quickly, with memory
 * bounded and `Object.prototype` untouched.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AfilnetTransportError, createChatClient, type ChatClient } from '@afilnet-chat/core';
import { DEMO } from './support/account.js';
import {
  answer,
  hugeBody,
  startMisbehavingServer,
  type MisbehavingServer,
} from './support/misbehaving-server.js';
import { REF_SOAP_ENV } from './support/reference-soap.js';
import { EXECUTORS } from './support/wire-capture.js';

const SEND = {
  platform: 'whatsapp',
  platformId: '100',
  destination: '34600000000',
  message: 'hi',
} as const;
const XML = 'text/xml; charset=utf-8';

const wrap = (content: string, method = 'sendmessage') =>
  `<s:Envelope xmlns:s="${REF_SOAP_ENV}"><s:Body><c:${method}Response xmlns:c="urn:afilnet:chat">${content}</c:${method}Response></s:Body></s:Envelope>`;

const BILLION_LAUGHS =
  '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' +
  Array.from(
    { length: 9 },
    (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`,
  ).join('') +
  `]>${wrap('<status>success</status><error>&lol9;</error>')}`;

const PROTO_KEYS = () => Object.getOwnPropertyNames(Object.prototype).sort();

let server: MisbehavingServer;
let client: ChatClient | undefined;
const baseline = PROTO_KEYS();

beforeAll(async () => {
  server = await startMisbehavingServer(answer(200, XML, ''));
});
afterAll(async () => {
  await server.close();
});
afterEach(async () => {
  await client?.close();
  client = undefined;
  expect(PROTO_KEYS()).toEqual(baseline);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

describe.each(EXECUTORS)('SOAP security (%s)', (executor) => {
  const connect = (maxResponseBytes?: number) => {
    client = createChatClient({
      transport: 'soap',
      baseUrl: server.url,
      credentials: DEMO,
      allowInsecureHttp: true,
      executor,
      ...(maxResponseBytes ? { maxResponseBytes } : {}),
    });
    return client;
  };

  async function malformedWithin(body: string, ms: number): Promise<AfilnetTransportError> {
    server.setBehaviour(answer(200, XML, body));
    const before = process.memoryUsage().heapUsed;
    const started = performance.now();
    const error = await connect()
      .sendMessage(SEND)
      .catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(ms);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(64 * 1024 * 1024);
    expect(error).toBeInstanceOf(AfilnetTransportError);
    expect(error).toMatchObject({ code: 'MALFORMED_RESPONSE', mayHaveBeenSent: true });
    return error as AfilnetTransportError;
  }

  it('refuses a billion-laughs body before parsing it', async () => {
    const error = await malformedWithin(BILLION_LAUGHS, 2000);
    expect(error.message).toMatch(/DOCTYPE/);
  });

  it('refuses one large entity referenced many times (GHSA-jmr7-xgp7-cmfj)', async () => {
    const body = `<!DOCTYPE s [<!ENTITY big "${'x'.repeat(9_000)}">]>${wrap(`<status>error</status><error>${'&big;'.repeat(20_000)}</error>`)}`;
    await malformedWithin(body, 2000);
  });

  it('refuses a DOCTYPE whose entity names are regex syntax (GHSA-6w63-h3fj-q4vw, GHSA-m7jm-9gc2-mpf2)', async () => {
    await malformedWithin(
      `<!DOCTYPE s [<!ENTITY l(t|.*) "x">]>${wrap('<status>success</status>')}`,
      2000,
    );
  });

  it('refuses a DOCTYPE hidden behind a BOM, a declaration and a comment', async () => {
    await malformedWithin(
      `\uFEFF<?xml version="1.0"?><!-- hi --><!doctype s [<!ENTITY x "y">]>${wrap('<status>success</status>')}`,
      2000,
    );
  });

  it('refuses an external entity (XXE) without reading it', async () => {
    const error = await malformedWithin(
      `<!DOCTYPE s [<!ENTITY x SYSTEM "file:///etc/passwd">]>${wrap('<status>error</status><error>&x;</error>')}`,
      2000,
    );
    expect(JSON.stringify(error)).not.toContain('root:');
  });

  it('does not expand an undeclared entity, even without a DOCTYPE', async () => {
    await malformedWithin(wrap('<status>error</status><error>&lol9;</error>'), 2000);
  });

  it.each([
    [
      '__proto__ in the wrapper',
      wrap('<status>success</status><__proto__><polluted>yes</polluted></__proto__>'),
    ],
    [
      '__proto__ in an item',
      wrap(
        '<status>success</status><result><item><__proto__><polluted>yes</polluted></__proto__></item></result>',
        'getmessages',
      ),
    ],
    [
      'constructor',
      wrap(
        '<status>success</status><constructor><prototype><polluted>yes</polluted></prototype></constructor>',
      ),
    ],
    ['a __proto__ attribute', wrap('<status __proto__="x">success</status>')],
  ])('refuses %s, leaving Object.prototype untouched', async (_label, body) => {
    await malformedWithin(body, 2000);
  });

  it('keeps a namespaced __proto__ field as data, never as a prototype', async () => {
    const item =
      '<item xmlns:p="urn:p"><p:__proto__><polluted>yes</polluted></p:__proto__><platformid>100</platformid><platform>whatsapp</platform>' +
      '<message>m</message><destination>d</destination><messageid>1</messageid><sent>1</sent><status>sent</status><datetime>2024-05-01 10:00:00</datetime></item>';
    server.setBehaviour(
      answer(200, XML, wrap(`<status>success</status><result>${item}</result>`, 'getmessages')),
    );
    const [message] = await connect().getMessages({
      platform: 'whatsapp',
      platformId: '100',
      destination: 'd',
    });
    expect(Object.getPrototypeOf(message)).toBe(Object.prototype);
    expect(Object.keys(message as object)).not.toContain('__proto__');
  });

  it('refuses nesting 20,000 levels deep quickly, without a stack overflow', async () => {
    await malformedWithin(
      wrap(`<status>success</status>${'<a>'.repeat(20_000)}${'</a>'.repeat(20_000)}`),
      2000,
    );
  });

  it('reads 30,000 entity references quickly', async () => {
    const message = '&amp;&lt;&#233;'.repeat(10_000);
    const item = `<item><platformid>1</platformid><platform>whatsapp</platform><message>${message}</message><destination>d</destination><messageid>1</messageid><sent>true</sent><status>s</status><datetime>x</datetime></item>`;
    server.setBehaviour(
      answer(200, XML, wrap(`<status>success</status><result>${item}</result>`, 'getmessages')),
    );
    const started = performance.now();
    const [got] = await connect().getMessages({
      platform: 'whatsapp',
      platformId: '1',
      destination: 'd',
    });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(got?.message).toBe('&<é'.repeat(10_000));
  });

  it('refuses a text full of unterminated references quickly', async () => {
    await malformedWithin(
      wrap(`<status>error</status><error>${'&a'.repeat(50_000)}</error>`),
      2000,
    );
  });

  it('ends a big answer full of namespace declarations with MALFORMED_RESPONSE, about as fast as a plain answer of its size', async () => {
    const item = (i: number) =>
      `<item><platformid>100</platformid><platform>whatsapp</platform><message>message ${i}</message><destination>d</destination>` +
      `<messageid>${i}</messageid><sent>1</sent><status>sent</status><datetime>2024-05-01 10:00:00</datetime></item>`;
    const items = (size: number, each: (i: number) => string) => {
      const parts: string[] = [];
      for (let i = 0, length = 0; length < size; i++)
        length += (parts[parts.length] = each(i)).length;
      return parts.join('');
    };
    const SIZE = 400 * 1024;
    const plain = wrap(
      `<status>success</status><result>${items(SIZE, item)}</result>`,
      'getmessages',
    );
    const declarations = Array.from({ length: 10_000 }, (_, i) => ` xmlns:p${i}="urn:p${i}"`).join(
      '',
    );
    const pathological = wrap(
      `<status>success</status><result${declarations}>${items(SIZE - declarations.length, (i) => `<p1:item xmlns:q="urn:q${i % 7}"/>`)}</result>`,
      'getmessages',
    );
    const conversation = { platform: 'whatsapp', platformId: '100', destination: 'd' } as const;
    const fastestCall = async (body: string, check: (outcome: unknown) => void, enough = 0) => {
      server.setBehaviour(answer(200, XML, body));
      const chat = connect();
      let fastest = Number.POSITIVE_INFINITY;
      for (let i = 0; i < 3 && fastest > enough; i++) {
        const started = performance.now();
        const outcome = await chat
          .getMessages(conversation, { timeoutMs: 1000 })
          .catch((e: unknown) => e);
        fastest = Math.min(fastest, performance.now() - started);
        check(outcome);
      }
      return fastest;
    };
    const plainMs = await fastestCall(plain, (outcome) =>
      expect((outcome as unknown[]).length).toBeGreaterThan(1000),
    );
    const pathologicalMs = await fastestCall(
      pathological,
      (outcome) =>
        expect(outcome).toMatchObject({
          name: 'AfilnetTransportError',
          code: 'MALFORMED_RESPONSE',
        }),
      plainMs * 2,
    );
    expect(pathologicalMs / plainMs).toBeLessThan(10);
  });

  it.each([[true], [false]])(
    'ends an oversized body (length declared: %s) with RESPONSE_TOO_LARGE, memory bounded',
    async (declareLength) => {
      server.setBehaviour(hugeBody(XML, { declareLength }));
      server.stats.bytesStreamed = 0;
      const before = process.memoryUsage().heapUsed;
      const error = await connect(256 * 1024)
        .sendMessage(SEND)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AfilnetTransportError);
      expect(error).toMatchObject({ code: 'RESPONSE_TOO_LARGE', mayHaveBeenSent: true });
      expect(process.memoryUsage().heapUsed - before).toBeLessThan(64 * 1024 * 1024);
      expect(server.stats.bytesStreamed).toBeLessThan(64 * 1024 * 1024);
    },
  );
});
