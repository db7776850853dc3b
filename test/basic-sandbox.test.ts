/**
 * The sandbox's Basic door over real sockets (docs/behaviour.md#basic): 401 with the challenge and the envelope
 * for credential errors, credentials read from the header only, RFC 7617 UTF-8 user-pass, and
 * the client's view of each, with no secret in any error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AfilnetApiError, createChatClient } from '@afilnet-chat/core';
import { startSandbox, type Sandbox } from '@afilnet-chat/sandbox';
import { DEMO } from './support/account.js';
import { EXECUTORS } from './support/wire-capture.js';

const UTF8 = { user: 'josé@example.com', password: 'pässwörd 😀' };

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({
    accounts: [{ ...UTF8, channels: [{ platform: 'telegram', platformId: '9', name: 'Ü' }] }],
  });
});
afterAll(async () => {
  await sandbox.close();
});

const basic = (userPass: string) => `Basic ${Buffer.from(userPass, 'utf8').toString('base64')}`;

async function call(authorization: string | undefined, body = 'class=chat&method=getchatchannels') {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (authorization !== undefined) headers.authorization = authorization;
  const response = await fetch(`${sandbox.url}/api/basic/`, { method: 'POST', headers, body });
  return {
    status: response.status,
    challenge: response.headers.get('www-authenticate'),
    json: (await response.json()) as unknown,
  };
}

describe('Basic door', () => {
  it.each([
    ['no header', undefined, 'MISSING_USER'],
    ['another scheme', 'Bearer abc', 'MISSING_USER'],
    ['no password', basic(DEMO.user), 'MISSING_PASSWORD'],
    ['an empty password', basic(`${DEMO.user}:`), 'MISSING_PASSWORD'],
    ['a wrong password', basic(`${DEMO.user}:nope`), 'INCORRECT_USER_PASSWORD'],
    [
      'form-encoded credentials (the OAuth rule, not RFC 7617)',
      basic(`${encodeURIComponent(UTF8.user)}:${encodeURIComponent(UTF8.password)}`),
      'INCORRECT_USER_PASSWORD',
    ],
  ])('answers %s with 401, the challenge and the envelope', async (_label, authorization, code) => {
    const { status, challenge, json } = await call(authorization);
    expect(status).toBe(401);
    expect(challenge).toBe('Basic realm="afilnet", charset="UTF-8"');
    expect(json).toEqual({ status: 'error', error: code });
  });

  it('reads the credentials from the header only, never from fields', async () => {
    const { status, json } = await call(
      undefined,
      `class=chat&method=getchatchannels&user=${encodeURIComponent(DEMO.user)}&password=${DEMO.password}`,
    );
    expect(status).toBe(401);
    expect(json).toEqual({ status: 'error', error: 'MISSING_USER' });
  });

  it('decodes the user-pass as raw UTF-8', async () => {
    const { status, json } = await call(basic(`${UTF8.user}:${UTF8.password}`));
    expect(status).toBe(200);
    expect(json).toEqual({
      status: 'success',
      result: [{ platformid: '9', platform: 'telegram', name: 'Ü' }],
    });
  });

  it('answers API errors after authentication with 200', async () => {
    const { status, json } = await call(
      basic(`${DEMO.user}:${DEMO.password}`),
      'class=chat&method=nope',
    );
    expect(status).toBe(200);
    expect(json).toEqual({ status: 'error', error: 'INCORRECT_METHOD' });
  });
});

describe.each(EXECUTORS)('Basic through the client (%s)', (executor) => {
  it.each([['POST' as const], ['GET' as const]])(
    'works with UTF-8 credentials over %s',
    async (method) => {
      const chat = createChatClient({
        transport: 'basic',
        basic: { method },
        baseUrl: sandbox.url,
        credentials: UTF8,
        allowInsecureHttp: true,
        executor,
      });
      await expect(chat.getChatChannels()).resolves.toEqual([
        { platformId: '9', platform: 'telegram', name: 'Ü' },
      ]);
      await chat.close();
    },
  );

  it('maps the 401 to AfilnetApiError and leaks neither the password nor the header value', async () => {
    const secret = 'wrong-basic-secret';
    const chat = createChatClient({
      transport: 'basic',
      baseUrl: sandbox.url,
      credentials: { user: DEMO.user, password: secret },
      allowInsecureHttp: true,
      executor,
    });
    const error = await chat.getChatChannels().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AfilnetApiError);
    expect(error).toMatchObject({ code: 'INCORRECT_USER_PASSWORD', httpStatus: 401 });
    const all = `${String(error)} ${JSON.stringify(error)} ${(error as Error).stack ?? ''}`;
    expect(all).not.toContain(secret);
    expect(all).not.toContain(Buffer.from(`${DEMO.user}:${secret}`).toString('base64'));
    await chat.close();
  });

  it('refuses a user with a colon at construction', () => {
    expect(() =>
      createChatClient({
        transport: 'basic',
        baseUrl: sandbox.url,
        credentials: { user: 'a:b', password: 'p' },
        allowInsecureHttp: true,
        executor,
      }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
  });
});
