import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from './start-sandbox.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ maxRequestBytes: 10_000 });
});
afterAll(() => sandbox.close());

const post = (path: string, body: string, contentType: string) =>
  request(`${sandbox.url}${path}`, {
    method: 'POST',
    body,
    headers: { 'content-type': contentType },
  });

describe('startSandbox', () => {
  it('listens on 127.0.0.1 with a port chosen by the OS', () => {
    expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sandbox.port).toBeGreaterThan(0);
  });

  it('answers the GET flavour with PHP-style strings', async () => {
    const res = await request(
      `${sandbox.url}/api/http/?class=chat&method=getchatchannels&user=demo%40example.com&password=demo-password`,
    );
    expect(res.statusCode).toBe(200);
    expect(await res.body.json()).toMatchObject({
      status: 'success',
      result: expect.arrayContaining([
        { platformid: '100', platform: 'whatsapp', name: 'Demo WhatsApp' },
      ]),
    });
  });

  it('answers the POST flavour, decoding + and %20 as spaces', async () => {
    const login = 'user=demo%40example.com&password=demo-password&class=chat';
    const res = await post(
      '/api/http/',
      `${login}&method=sendmessage&platform=whatsapp&platformid=100&destination=d1&message=a+b%20c%2B`,
      'application/x-www-form-urlencoded',
    );
    expect(await res.body.json()).toEqual({ status: 'success', result: null });
    expect(sandbox.messages().at(-1)?.message).toBe('a b c+');
  });

  it('injects inbound messages over HTTP from loopback, and refuses bad ones', async () => {
    const ok = await post(
      '/__sandbox/inbound',
      JSON.stringify({
        user: 'demo@example.com',
        platform: 'telegram',
        platformId: '200',
        destination: 'c',
        message: 'hey',
      }),
      'application/json',
    );
    expect(ok.statusCode).toBe(201);
    await ok.body.dump();
    expect(sandbox.messages('demo@example.com').at(-1)).toMatchObject({
      message: 'hey',
      sent: false,
      status: 'unread',
    });
    const bad = await post(
      '/__sandbox/inbound',
      JSON.stringify({
        user: 'demo@example.com',
        platform: 'telegram',
        platformId: '999',
        destination: 'c',
        message: 'x',
      }),
      'application/json',
    );
    expect(bad.statusCode).toBe(400);
    await bad.body.dump();
    expect(() =>
      sandbox.injectInbound({
        user: 'nobody',
        platform: 'whatsapp',
        platformId: '100',
        destination: 'd',
        message: 'm',
      }),
    ).toThrow(/no sandbox account/);
  });

  it('answers 404, 405, 415 and 413 where they belong', async () => {
    const notFound = await request(`${sandbox.url}/nowhere`);
    expect(notFound.statusCode).toBe(404);
    await notFound.body.dump();
    const wrongMethod = await request(`${sandbox.url}/api/http/`, { method: 'PUT', body: 'x' });
    expect(wrongMethod.statusCode).toBe(405);
    await wrongMethod.body.dump();
    const wrongType = await post('/api/http/', '{}', 'application/json');
    expect(wrongType.statusCode).toBe(415);
    await wrongType.body.dump();
    const tooLarge = await post(
      '/api/http/',
      'x'.repeat(20_000),
      'application/x-www-form-urlencoded',
    );
    expect(tooLarge.statusCode).toBe(413);
    await tooLarge.body.dump();
  });
});
