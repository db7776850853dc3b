/**
 * The sandbox's event stream, control API and safety rules (docs/behaviour.md#sandbox), over real sockets: event
 * shapes and `Last-Event-ID` resume, the JSON control routes and their JS twins, chaos rule
 * validation, and the Host and content-type refusals that keep other web sites out.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createChatClient, type ChatClient } from '@afilnet-chat/core';
import { startSandbox, type Sandbox } from '@afilnet-chat/sandbox';
import { DEMO } from './support/account.js';
import { readEvents } from './support/event-stream.js';
import { rawRequest } from './support/raw-request.js';

const WHATSAPP = { platform: 'whatsapp', platformId: '100' } as const;
const JSON_TYPE = { 'content-type': 'application/json' };

let sandbox: Sandbox;
let chat: ChatClient;
beforeAll(async () => {
  sandbox = await startSandbox();
  chat = createChatClient({
    transport: 'post',
    baseUrl: sandbox.url,
    credentials: DEMO,
    allowInsecureHttp: true,
    retry: false,
  });
});
afterAll(async () => {
  await chat.close();
  await sandbox.close();
});
beforeEach(() => sandbox.reset());

const inbound = (destination: string, message: string) => ({
  user: DEMO.user,
  ...WHATSAPP,
  destination,
  message,
});

describe('the event stream', () => {
  it('gives message, request and reset events in their documented shapes', async () => {
    await chat.sendMessage({ ...WHATSAPP, destination: 'd1', message: 'out' });
    sandbox.injectInbound(inbound('d1', 'in'));
    const [reset, sent, call, received] = await readEvents(sandbox.url, 4);
    expect(reset).toMatchObject({ type: 'reset' });
    expect(sent).toMatchObject({ type: 'message', id: String(sent?.data.id) });
    expect(sent?.data).toEqual({
      id: expect.any(Number),
      account: DEMO.user,
      ...WHATSAPP,
      destination: 'd1',
      direction: 'outbound',
      message: 'out',
      messageId: expect.any(String),
      datetime: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
      status: 'sent',
      sent: true,
    });
    expect(call).toMatchObject({
      type: 'request',
      data: { flavour: 'post', method: 'sendmessage', status: 200, durationMs: expect.any(Number) },
    });
    expect(call?.data).not.toHaveProperty('code');
    expect(received).toMatchObject({
      type: 'message',
      data: { direction: 'inbound', message: 'in', status: 'unread', sent: false },
    });
    expect(Number(reset?.id)).toBeLessThan(Number(sent?.id));
  });

  it('names the API error code of a request', async () => {
    await expect(chat.getMessages({ ...WHATSAPP, destination: 'nobody' })).rejects.toMatchObject({
      code: 'CHAT_NOT_FOUND',
    });
    const [, call] = await readEvents(sandbox.url, 2);
    expect(call?.data).toMatchObject({
      flavour: 'post',
      method: 'getmessages',
      status: 200,
      code: 'CHAT_NOT_FOUND',
    });
  });

  it('resumes after Last-Event-ID with exactly the events missed, then goes on live', async () => {
    sandbox.injectInbound(inbound('r1', 'one'));
    sandbox.injectInbound(inbound('r1', 'two'));
    const first = await readEvents(sandbox.url, 3);
    expect(first.map((e) => e.type)).toEqual(['reset', 'message', 'message']);
    const resumeAfter = first[2]?.id as string;
    sandbox.injectInbound(inbound('r1', 'three'));
    sandbox.injectInbound(inbound('r1', 'four'));
    const resumed = await readEvents(sandbox.url, 3, {
      lastEventId: resumeAfter,
      onOpen: () => setTimeout(() => sandbox.injectInbound(inbound('r1', 'five')), 50),
    });
    expect(resumed.map((e) => e.data.message)).toEqual(['three', 'four', 'five']);
    expect(resumed.map((e) => Number(e.id))).toEqual([
      Number(resumeAfter) + 1,
      Number(resumeAfter) + 2,
      Number(resumeAfter) + 3,
    ]);
  });

  it('publishes a message again when the API reads it, with its new status', async () => {
    sandbox.injectInbound(inbound('u1', 'unread at first'));
    await chat.getUnreadMessages({ ...WHATSAPP, destination: 'u1' });
    const events = await readEvents(sandbox.url, 4);
    const updates = events.filter((e) => e.type === 'message');
    expect(updates.map((e) => [e.data.messageId, e.data.status])).toEqual([
      [updates[0]?.data.messageId, 'unread'],
      [updates[0]?.data.messageId, 'read'],
    ]);
    expect(sandbox.messages({ destination: 'u1' })).toMatchObject([{ status: 'read' }]);
  });
});

describe('the control API and its JS twins', () => {
  it('lists messages and requests, oldest first, filtered by equality', async () => {
    await chat.sendMessage({ ...WHATSAPP, destination: 'f1', message: 'a' });
    await chat.sendMessage({ ...WHATSAPP, destination: 'f2', message: 'b' });
    sandbox.injectInbound(inbound('f1', 'c'));
    expect(sandbox.messages({ destination: 'f1' }).map((m) => m.message)).toEqual(['a', 'c']);
    expect(
      sandbox.messages({ destination: 'f1', direction: 'outbound' }).map((m) => m.message),
    ).toEqual(['a']);
    expect(sandbox.messages(DEMO.user)).toHaveLength(3);
    expect(sandbox.messages('nobody@example.com')).toEqual([]);
    const overHttp = await fetch(
      `${sandbox.url}/__sandbox/messages?destination=f1&direction=inbound`,
    );
    expect(await overHttp.json()).toEqual(
      sandbox.messages({ destination: 'f1', direction: 'inbound' }),
    );
    expect(sandbox.requests({ method: 'sendmessage' }).map((r) => r.status)).toEqual([200, 200]);
    const requests = await (
      await fetch(`${sandbox.url}/__sandbox/requests?method=sendmessage&status=200`)
    ).json();
    expect(requests).toEqual(sandbox.requests({ method: 'sendmessage' }));
  });

  it('resets over HTTP: conversations, requests and chaos rules are gone, accounts stay', async () => {
    await chat.sendMessage({ ...WHATSAPP, destination: 'x1', message: 'a' });
    sandbox.chaos([{ fault: { status: 503 } }]);
    const answer = await fetch(`${sandbox.url}/__sandbox/reset`, {
      method: 'POST',
      headers: JSON_TYPE,
    });
    expect(answer.status).toBe(204);
    expect(sandbox.messages()).toEqual([]);
    expect(sandbox.requests()).toEqual([]);
    await expect(chat.getChats(WHATSAPP)).resolves.toEqual([]);
  });

  it('injects inbound messages over HTTP', async () => {
    const answer = await fetch(`${sandbox.url}/__sandbox/inbound`, {
      method: 'POST',
      headers: JSON_TYPE,
      body: JSON.stringify(inbound('i1', 'hello')),
    });
    expect(answer.status).toBe(201);
    expect(sandbox.messages({ destination: 'i1' })).toMatchObject([
      { message: 'hello', direction: 'inbound' },
    ]);
  });

  it('waitForMessage resolves with a past or future message, and rejects after its timeout', async () => {
    sandbox.injectInbound(inbound('w1', 'already here'));
    await expect(sandbox.waitForMessage({ destination: 'w1' })).resolves.toMatchObject({
      message: 'already here',
    });
    const coming = sandbox.waitForMessage(
      { destination: 'w2', direction: 'outbound' },
      { timeoutMs: 2_000 },
    );
    await chat.sendMessage({ ...WHATSAPP, destination: 'w2', message: 'on its way' });
    await expect(coming).resolves.toMatchObject({ message: 'on its way', account: DEMO.user });
    const started = performance.now();
    await expect(
      sandbox.waitForMessage({ destination: 'never' }, { timeoutMs: 100 }),
    ).rejects.toThrow(/no message matching.*within 100 ms/);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('sets and ends chaos rules over HTTP', async () => {
    const rules = [{ method: 'getchats', flavour: 'post', times: 1, fault: { status: 503 } }];
    const put = await fetch(`${sandbox.url}/__sandbox/chaos`, {
      method: 'PUT',
      headers: JSON_TYPE,
      body: JSON.stringify(rules),
    });
    expect(put.status).toBe(200);
    expect(await put.json()).toEqual(rules);
    await expect(chat.getChats(WHATSAPP)).rejects.toMatchObject({
      code: 'HTTP_STATUS',
      httpStatus: 503,
    });
    await fetch(`${sandbox.url}/__sandbox/chaos`, {
      method: 'PUT',
      headers: JSON_TYPE,
      body: JSON.stringify([{ fault: { status: 500 } }]),
    });
    expect((await fetch(`${sandbox.url}/__sandbox/chaos`, { method: 'DELETE' })).status).toBe(204);
    await expect(chat.getChats(WHATSAPP)).resolves.toEqual([]);
  });

  it('refuses a body that is not a rule list with 400 naming the field, and changes nothing', async () => {
    sandbox.chaos([{ method: 'getchatchannels', fault: { status: 500 } }]);
    const cases: [unknown, RegExp][] = [
      [{ rules: [] }, /the rule list/],
      [[{ fault: { status: 404 } }], /\[0\]\.fault/],
      [
        [{ fault: { status: 503 } }, { method: 'sendmesage', fault: { delayMs: 1 } }],
        /\[1\]\.method/,
      ],
      [[{ flavour: 'ftp', fault: { reset: 'before-commit' } }], /\[0\]\.flavour/],
      [[{ times: 0, fault: { expireTokens: true } }], /\[0\]\.times/],
      [[{ probability: 2, fault: { delayMs: 5 } }], /\[0\]\.probability/],
      [[{ fault: { reset: 'sometimes' } }], /\[0\]\.fault/],
      [[{ fault: { delayMs: 5 }, colour: 'red' }], /\[0\]/],
    ];
    for (const [body, field] of cases) {
      const answer = await fetch(`${sandbox.url}/__sandbox/chaos`, {
        method: 'PUT',
        headers: JSON_TYPE,
        body: JSON.stringify(body),
      });
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(((await answer.json()) as { error: string }).error).toMatch(field);
      expect(() => sandbox.chaos(body as never), JSON.stringify(body)).toThrow(TypeError);
      expect(() => sandbox.chaos(body as never)).toThrow(field);
    }
    const malformed = await fetch(`${sandbox.url}/__sandbox/chaos`, {
      method: 'PUT',
      headers: JSON_TYPE,
      body: '[{',
    });
    expect(malformed.status).toBe(400);
    // The rule set before every refused change is still in force.
    await expect(chat.getChatChannels()).rejects.toMatchObject({ httpStatus: 500 });
  });
});

describe('safety', () => {
  const foreign = (sandboxUrl: string) => ({ host: `evil.example:${new URL(sandboxUrl).port}` });

  it('refuses every inbox, event and control route addressed to another host name (DNS rebinding)', async () => {
    sandbox.injectInbound(inbound('h1', 'kept'));
    const routes: [string, string, string?][] = [
      ['GET', '/'],
      ['GET', '/inbox/inbox.js'],
      ['GET', '/inbox/inbox.css'],
      ['GET', '/__sandbox/events'],
      ['GET', '/__sandbox/messages'],
      ['GET', '/__sandbox/requests'],
      ['POST', '/__sandbox/reset', '{}'],
      ['POST', '/__sandbox/inbound', JSON.stringify(inbound('h1', 'injected'))],
      ['PUT', '/__sandbox/chaos', JSON.stringify([{ fault: { status: 500 } }])],
      ['DELETE', '/__sandbox/chaos'],
    ];
    for (const [method, path, body] of routes) {
      const answer = await rawRequest(
        `${sandbox.url}${path}`,
        method,
        { ...foreign(sandbox.url), ...JSON_TYPE },
        body,
      );
      expect(answer.status, `${method} ${path}`).toBe(403);
      expect(answer.body).not.toContain('kept');
    }
    expect(sandbox.messages({ destination: 'h1' }).map((m) => m.message)).toEqual(['kept']);
    await expect(chat.getChatChannels()).resolves.toHaveLength(4);
  });

  /** A request to every API door and to an unknown path, each as a page under another name could send it. */
  const apiRoutes = (destination: string): [string, string, Record<string, string>, string?][] => {
    const login = `user=${encodeURIComponent(DEMO.user)}&password=${encodeURIComponent(DEMO.password)}&class=chat`;
    const conversation = `platform=whatsapp&platformid=100&destination=${destination}`;
    const basic = `Basic ${Buffer.from(`${DEMO.user}:${DEMO.password}`).toString('base64')}`;
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    return [
      ['GET', `/api/http/?${login}&method=getmessages&${conversation}`, {}],
      ['POST', '/api/http/', form, `${login}&method=sendmessage&${conversation}&message=forged`],
      [
        'POST',
        '/api/basic/',
        { ...form, authorization: basic },
        `class=chat&method=getmessages&${conversation}`,
      ],
      ['GET', '/api/soap/?wsdl', {}],
      [
        'POST',
        '/api/soap/',
        { 'content-type': 'text/xml; charset=utf-8' },
        '<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body/></e:Envelope>',
      ],
      [
        'POST',
        '/api/oauth/token',
        { ...form, authorization: basic },
        'grant_type=client_credentials',
      ],
      ['GET', '/.well-known/oauth-authorization-server', {}],
      [
        'POST',
        '/api/json/',
        JSON_TYPE,
        JSON.stringify({ class: 'chat', method: 'getchatchannels' }),
      ],
      ['GET', '/nowhere', {}],
    ];
  };

  it('refuses every API door addressed to another host name when bound to loopback (DNS rebinding)', async () => {
    sandbox.injectInbound(inbound('h2', 'kept'));
    for (const [method, path, headers, body] of apiRoutes('h2')) {
      const answer = await rawRequest(
        `${sandbox.url}${path}`,
        method,
        { ...foreign(sandbox.url), ...headers },
        body,
      );
      expect(answer.status, `${method} ${path}`).toBe(403);
      expect(answer.body).not.toContain('kept');
    }
    expect(sandbox.messages({ destination: 'h2' }).map((m) => m.message)).toEqual(['kept']);
    const port = new URL(sandbox.url).port;
    for (const host of ['localhost', '127.0.0.1', 'api.localhost']) {
      const [method, path, headers] = apiRoutes('h2')[0] as [
        string,
        string,
        Record<string, string>,
      ];
      const answer = await rawRequest(`${sandbox.url}${path}`, method, {
        host: `${host}:${port}`,
        ...headers,
      });
      expect([answer.status, answer.body.includes('kept')], host).toEqual([200, true]);
    }
  });

  it('answers every route under the names given in allowedHosts, and still refuses the others', async () => {
    const named = await startSandbox({ allowedHosts: ['sandbox.test', 'FD00::5'] });
    try {
      named.injectInbound(inbound('h3', 'kept'));
      const port = new URL(named.url).port;
      for (const host of [`sandbox.test:${port}`, 'SANDBOX.TEST', '[fd00::5]:80']) {
        const [method, path, headers] = apiRoutes('h3')[0] as [
          string,
          string,
          Record<string, string>,
        ];
        const api = await rawRequest(`${named.url}${path}`, method, { host, ...headers });
        expect([api.status, api.body.includes('kept')], host).toEqual([200, true]);
        const list = await rawRequest(`${named.url}/__sandbox/messages?destination=h3`, 'GET', {
          host,
        });
        expect([list.status, list.body.includes('kept')], host).toEqual([200, true]);
      }
      for (const host of [`evil.example:${port}`, `sandbox.test.evil.example:${port}`]) {
        for (const path of ['/api/soap/?wsdl', '/__sandbox/messages', '/']) {
          expect(
            (await rawRequest(`${named.url}${path}`, 'GET', { host })).status,
            `${host} ${path}`,
          ).toBe(403);
        }
      }
    } finally {
      await named.close();
    }
    await expect(
      startSandbox({ allowedHosts: ['sandbox.test', 'sandbox.test:8080'] }),
    ).rejects.toThrow(/^allowedHosts\[1\] must be a host name/);
  });

  it('answers loopback names and serves the page with its security headers', async () => {
    for (const host of ['localhost', '127.0.0.1', 'inbox.localhost']) {
      const answer = await rawRequest(`${sandbox.url}/`, 'GET', {
        host: `${host}:${new URL(sandbox.url).port}`,
      });
      expect(answer.status, host).toBe(200);
      expect(answer.headers['content-security-policy']).toBe("default-src 'self'");
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
    }
    const script = await rawRequest(`${sandbox.url}/inbox/inbox.js`, 'GET');
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);
  });

  it('refuses control bodies that are not application/json, and changes nothing', async () => {
    sandbox.injectInbound(inbound('c1', 'kept'));
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
    ]) {
      const headers = { 'content-type': type };
      const injected = await rawRequest(
        `${sandbox.url}/__sandbox/inbound`,
        'POST',
        headers,
        JSON.stringify(inbound('c1', 'forged')),
      );
      const reset = await rawRequest(`${sandbox.url}/__sandbox/reset`, 'POST', headers, '{}');
      const chaos = await rawRequest(
        `${sandbox.url}/__sandbox/chaos`,
        'PUT',
        headers,
        JSON.stringify([{ fault: { status: 500 } }]),
      );
      expect([injected.status, reset.status, chaos.status], type).toEqual([415, 415, 415]);
    }
    expect(sandbox.messages({ destination: 'c1' }).map((m) => m.message)).toEqual(['kept']);
    await expect(chat.getChatChannels()).resolves.toHaveLength(4);
  });

  it('warns when it listens beyond loopback', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    const open = await startSandbox({ host: '0.0.0.0' });
    await open.close();
    await new Promise((resolve) => setImmediate(resolve));
    process.off('warning', onWarning);
    expect(warnings.map((w) => (w as Error & { code?: string }).code)).toContain(
      'AFILNET_SANDBOX_NOT_LOOPBACK',
    );
  });
});
