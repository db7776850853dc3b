/**
 * The json-oauth token's life against the real sandbox over real sockets, both executors:
 * single flight, early refresh, renewal after a revocation (once, never a loop), a store shared
 * by clients, both client authentication methods, and discovery (RFC 8414).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChatClient, ChatClientConfig } from '@afilnet-chat/core';
import { startSandbox, type Sandbox } from '@afilnet-chat/sandbox';
import { createMemoryTokenStore } from '@afilnet-chat/transport-json-oauth';
import { DEMO } from './support/account.js';
import { createRequestLog, type RequestLog } from './support/request-log.js';
import { oauthClients } from './support/oauth-clients.js';
import { EXECUTORS } from './support/wire-capture.js';

const TOKEN = '/api/oauth/token';
const JSON_DOOR = '/api/json/';
const METADATA = '/.well-known/oauth-authorization-server';
/** A client of the kind RFC 7617 Basic cannot carry: `:` in the id, spaces, `+`, `%`, non-ASCII. */
const TRICKY = { user: 'zoë+1:ops@example.com', password: 'p@ss w%rd:+é/=' };

describe.each(EXECUTORS)('json-oauth token lifecycle × %s', (executor) => {
  let sandbox: Sandbox;
  let shortLived: Sandbox;
  const logs: RequestLog[] = [];
  const clients = oauthClients(executor);

  beforeAll(async () => {
    const accounts = [
      { ...TRICKY, channels: [{ platform: 'telegram' as const, platformId: '7', name: 'Tricky' }] },
    ];
    [sandbox, shortLived] = await Promise.all([
      startSandbox({ accounts }),
      startSandbox({ tokenLifetimeSeconds: 10 }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([sandbox.close(), shortLived.close()]);
  });
  afterEach(async () => {
    await clients.closeAll();
    await Promise.all(logs.splice(0).map((l) => l.close()));
  });

  function connect(
    overrides: Partial<ChatClientConfig> = {},
    log = createRequestLog(),
  ): { chat: ChatClient; log: RequestLog } {
    if (!logs.includes(log)) logs.push(log);
    return {
      chat: clients.connect(sandbox.url, { dispatcher: log.dispatcher, ...overrides }),
      log,
    };
  }

  it('makes exactly one token request for 100 concurrent calls, then reuses the token', async () => {
    const { chat, log } = connect();
    const results = await Promise.all(Array.from({ length: 100 }, () => chat.getChatChannels()));
    expect(results.every((r) => r.length === 4)).toBe(true);
    expect(log.count(TOKEN)).toBe(1);
    expect(log.count(JSON_DOOR)).toBe(100);
    await chat.getChatChannels();
    expect(log.count(TOKEN)).toBe(1);
  });

  // 10 s: a shorter lifetime is taken to be 10 s, which the server would then refuse early.
  it('renews a token early, before the server would refuse it (half of a 10 s lifetime)', async () => {
    const { chat, log } = connect({ baseUrl: shortLived.url });
    await chat.getChatChannels();
    await chat.getChatChannels();
    expect(log.count(TOKEN)).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 5100));
    await chat.getChatChannels();
    expect(log.count(TOKEN)).toBe(2);
    expect(log.requests.every((r) => r.status === 200)).toBe(true);
  });

  it('after a revocation, fetches one new token and repeats the call once', async () => {
    const { chat, log } = connect();
    await chat.getChatChannels();
    sandbox.revokeTokens();
    const conversation = {
      platform: 'whatsapp',
      platformId: '100',
      destination: 'revoked-1',
    } as const;
    await chat.sendMessage({ ...conversation, message: 'after revocation' });
    expect(log.lines()).toEqual([
      `POST ${TOKEN} 200`,
      `POST ${JSON_DOOR} 200`,
      `POST ${JSON_DOOR} 401`,
      `POST ${TOKEN} 200`,
      `POST ${JSON_DOOR} 200`,
    ]);
    expect(sandbox.messages(DEMO.user).filter((m) => m.destination === 'revoked-1')).toHaveLength(
      1,
    );
  });

  it('makes one token request for 20 concurrent calls refused after a revocation', async () => {
    const { chat, log } = connect();
    await chat.getChatChannels();
    sandbox.revokeTokens();
    await Promise.all(Array.from({ length: 20 }, () => chat.getChatChannels()));
    expect(log.count(TOKEN)).toBe(2);
    expect(log.requests.filter((r) => r.status === 401).length).toBeGreaterThan(0);
    expect(log.count(JSON_DOOR)).toBe(1 + 20 + log.requests.filter((r) => r.status === 401).length);
  });

  it('shares one token between clients given the same store', async () => {
    const tokenStore = createMemoryTokenStore();
    const log = createRequestLog();
    const one = connect({ oauth: { tokenStore } }, log).chat;
    const two = connect({ oauth: { tokenStore } }, log).chat;
    await Promise.all([
      one.getChatChannels(),
      two.getChatChannels(),
      one.getChatChannels(),
      two.getChatChannels(),
    ]);
    expect(log.count(TOKEN)).toBe(1);
  });

  it.each(['client_secret_basic', 'client_secret_post'] as const)(
    'authenticates a client whose id and secret need escaping with %s',
    async (clientAuthMethod) => {
      const { chat, log } = connect({ credentials: TRICKY, oauth: { clientAuthMethod } });
      await expect(chat.getChatChannels()).resolves.toEqual([
        { platformId: '7', platform: 'telegram', name: 'Tricky' },
      ]);
      expect(log.count(TOKEN)).toBe(1);
    },
  );

  it('uses oauth.clientId and clientSecret without account credentials', async () => {
    const { chat } = connect({
      credentials: undefined,
      oauth: { clientId: DEMO.user, clientSecret: DEMO.password },
    });
    await expect(chat.getChatChannels()).resolves.toHaveLength(4);
  });

  it('finds the token endpoint from the issuer once (RFC 8414), then asks it for tokens', async () => {
    const { chat, log } = connect({ baseUrl: sandbox.url, oauth: { issuer: sandbox.url } });
    await chat.getChatChannels();
    sandbox.revokeTokens();
    await chat.getChatChannels();
    expect(log.lines()).toEqual([
      `GET ${METADATA} 200`,
      `POST ${TOKEN} 200`,
      `POST ${JSON_DOOR} 200`,
      `POST ${JSON_DOOR} 401`,
      `POST ${TOKEN} 200`,
      `POST ${JSON_DOOR} 200`,
    ]);
  });
});
