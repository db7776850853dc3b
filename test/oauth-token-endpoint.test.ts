/**
 * A json-oauth token endpoint that gives no usable token, over real misbehaving servers on
 * 127.0.0.1 and both executors: every failure is typed (`TOKEN_ENDPOINT`, or `NETWORK`/`TIMEOUT` on the way), names the OAuth
 * error when the body does, never says the API request may have been sent, never carries a
 * secret or token, and reaches every caller waiting for it; the next call tries again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  AfilnetApiError,
  AfilnetTransportError,
  type ChatClient,
  type ChatClientConfig,
} from '@afilnet-chat/core';
import { DEMO } from './support/account.js';
import {
  ISSUED_TOKEN_PREFIX,
  answer,
  holdRefusedUrl,
  resetConnection,
  stallBeforeHeaders,
  startMisbehavingServer,
  validToken,
  type Behaviour,
  type MisbehavingServer,
} from './support/misbehaving-server.js';
import { expectNoSecrets, secretNeedles } from './support/secret-needles.js';
import { oauthClients } from './support/oauth-clients.js';
import { EXECUTORS } from './support/wire-capture.js';

const SECRETS = secretNeedles({
  user: DEMO.user,
  passwords: [DEMO.password],
  tokens: [ISSUED_TOKEN_PREFIX],
});
const SUCCESS = answer(
  200,
  'application/json',
  JSON.stringify({ status: 'success', result: null }),
);
const MESSAGE = {
  platform: 'whatsapp',
  platformId: '100',
  destination: '34600000000',
  message: 'hi',
} as const;
const json = (value: unknown) => JSON.stringify(value);

interface TokenFailure {
  readonly name: string;
  readonly behaviour: Behaviour;
  readonly code: 'TOKEN_ENDPOINT' | 'NETWORK' | 'TIMEOUT';
  readonly httpStatus?: number;
  readonly oauthError?: string;
}

const FAILURES: readonly TokenFailure[] = [
  {
    name: '401 invalid_client with WWW-Authenticate: Basic',
    behaviour: answer(
      401,
      'application/json',
      json({ error: 'invalid_client', error_description: 'bad secret' }),
      {
        'www-authenticate': 'Basic realm="afilnet"',
      },
    ),
    code: 'TOKEN_ENDPOINT',
    httpStatus: 401,
    oauthError: 'invalid_client',
  },
  {
    name: '400 invalid_scope without a challenge',
    behaviour: answer(400, 'application/json', json({ error: 'invalid_scope' })),
    code: 'TOKEN_ENDPOINT',
    httpStatus: 400,
    oauthError: 'invalid_scope',
  },
  {
    name: '503 temporarily_unavailable',
    behaviour: answer(503, 'application/json', json({ error: 'temporarily_unavailable' })),
    code: 'TOKEN_ENDPOINT',
    httpStatus: 503,
    oauthError: 'temporarily_unavailable',
  },
  {
    name: '500 HTML page',
    behaviour: answer(500, 'text/html', '<html><h1>Oops</h1></html>'),
    code: 'TOKEN_ENDPOINT',
    httpStatus: 500,
  },
  {
    name: '200 HTML login page',
    behaviour: answer(200, 'text/html', '<html>Sign in</html>'),
    code: 'TOKEN_ENDPOINT',
    httpStatus: 200,
  },
  {
    name: '200 without access_token',
    behaviour: answer(200, 'application/json', json({ token_type: 'Bearer', expires_in: 3600 })),
    code: 'TOKEN_ENDPOINT',
    httpStatus: 200,
  },
  {
    name: '200 with a token type other than Bearer',
    behaviour: answer(
      200,
      'application/json',
      json({ access_token: `${ISSUED_TOKEN_PREFIX}-mac`, token_type: 'mac', expires_in: 60 }),
    ),
    code: 'TOKEN_ENDPOINT',
    httpStatus: 200,
  },
  { name: 'a reset connection', behaviour: resetConnection, code: 'NETWORK' },
  { name: 'a stall until the deadline', behaviour: stallBeforeHeaders, code: 'TIMEOUT' },
];

describe.each(EXECUTORS)('json-oauth token endpoint failures × %s', (executor) => {
  let server: MisbehavingServer | undefined;
  const clients = oauthClients(executor);

  afterEach(async () => {
    await clients.closeAll();
    await server?.close();
    server = undefined;
  });

  /**
   * A client with its own OAuth client id, so that every token failure stays TOKEN_ENDPOINT
   * (authenticating as the account, a refusal would be INCORRECT_USER_PASSWORD).
   */
  const connect = (baseUrl: string, overrides: Partial<ChatClientConfig> = {}): ChatClient =>
    clients.connect(baseUrl, {
      oauth: { clientId: DEMO.user, clientSecret: DEMO.password },
      retry: false,
      timeoutMs: 1500,
      ...overrides,
    });

  it.each(FAILURES)(
    '$name: $code, mayHaveBeenSent false, no API request, no secret',
    async (failure) => {
      server = await startMisbehavingServer(SUCCESS);
      server.setTokenBehaviour(failure.behaviour);
      const chat = connect(server.url, failure.code === 'TIMEOUT' ? { timeoutMs: 300 } : {});
      const error = await chat.sendMessage(MESSAGE).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AfilnetTransportError);
      expect(error).toMatchObject({ code: failure.code, mayHaveBeenSent: false });
      if (failure.httpStatus !== undefined)
        expect((error as AfilnetTransportError).httpStatus).toBe(failure.httpStatus);
      expect((error as AfilnetTransportError).oauthError).toBe(failure.oauthError);
      expectNoSecrets(error, SECRETS);
      expect(server.stats.apiRequests).toBe(0);
    },
  );

  it.each([
    [
      '401 invalid_client',
      answer(401, 'application/json', json({ error: 'invalid_client' }), {
        'www-authenticate': 'Basic realm="afilnet"',
      }),
    ],
    ['400 invalid_grant', answer(400, 'application/json', json({ error: 'invalid_grant' }))],
    ['401 without a body', answer(401, 'text/plain', '')],
  ])(
    'authenticating as the account, %s is INCORRECT_USER_PASSWORD caused by TOKEN_ENDPOINT',
    async (_name, behaviour) => {
      server = await startMisbehavingServer(SUCCESS);
      server.setTokenBehaviour(behaviour);
      const chat = connect(server.url, { oauth: {} });
      const error = await chat.sendMessage(MESSAGE).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AfilnetApiError);
      expect(error).toMatchObject({ code: 'INCORRECT_USER_PASSWORD' });
      expect((error as AfilnetApiError).cause).toBeInstanceOf(AfilnetTransportError);
      expect((error as AfilnetApiError).cause).toMatchObject({
        code: 'TOKEN_ENDPOINT',
        mayHaveBeenSent: false,
      });
      expectNoSecrets(error, SECRETS);
      expect(server.stats.apiRequests).toBe(0);
    },
  );

  it('authenticating as the account, a token failure that is no refusal stays TOKEN_ENDPOINT', async () => {
    server = await startMisbehavingServer(SUCCESS);
    server.setTokenBehaviour(answer(400, 'application/json', json({ error: 'invalid_scope' })));
    const error = await connect(server.url, { oauth: {} })
      .sendMessage(MESSAGE)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'AfilnetTransportError',
      code: 'TOKEN_ENDPOINT',
      oauthError: 'invalid_scope',
    });
  });

  it('an unreachable token endpoint is NETWORK with mayHaveBeenSent false', async () => {
    server = await startMisbehavingServer(SUCCESS);
    const refused = await holdRefusedUrl();
    try {
      const chat = connect(server.url, {
        oauth: {
          clientId: DEMO.user,
          clientSecret: DEMO.password,
          tokenUrl: `${refused.url}/api/oauth/token`,
        },
      });
      const error = await chat.sendMessage(MESSAGE).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'NETWORK', mayHaveBeenSent: false });
      expect(server.stats.apiRequests).toBe(0);
    } finally {
      await refused.close();
    }
  });

  it('gives one failed token request to all concurrent callers, and the next call tries again', async () => {
    server = await startMisbehavingServer(SUCCESS);
    server.setTokenBehaviour(
      answer(401, 'application/json', json({ error: 'invalid_client' }), {
        'www-authenticate': 'Basic realm="afilnet"',
      }),
    );
    const chat = connect(server.url);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, () => chat.sendMessage(MESSAGE)),
    );
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      expect((outcome as PromiseRejectedResult).reason).toMatchObject({
        code: 'TOKEN_ENDPOINT',
        oauthError: 'invalid_client',
      });
    }
    expect(server.stats.tokenRequests).toBe(1);

    server.setTokenBehaviour(validToken);
    await expect(chat.sendMessage(MESSAGE)).resolves.toBeUndefined();
    expect(server.stats.tokenRequests).toBe(2);
    expect(server.stats.apiRequests).toBe(1);
  });

  it.each([0, 1])(
    'a token issued with expires_in: %i is reused for 5 s: 301 calls make one token request',
    async (expiresIn) => {
      server = await startMisbehavingServer(SUCCESS);
      server.setTokenBehaviour(({ res, stats }) => {
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end(
          json({
            access_token: `${ISSUED_TOKEN_PREFIX}-${stats.tokenRequests}`,
            token_type: 'Bearer',
            expires_in: expiresIn,
          }),
        );
      });
      const chat = connect(server.url, { timeoutMs: 10_000 });
      const started = performance.now();
      for (let i = 0; i < 301; i++) await chat.getChatChannels();
      const elapsedMs = performance.now() - started;
      expect(server.stats.apiRequests).toBe(301);
      // At most one token request per 5 s (a loaded machine may take longer than 5 s for 301 calls).
      expect(server.stats.tokenRequests).toBeLessThanOrEqual(1 + Math.floor(elapsedMs / 5_000));
    },
    60_000,
  );

  it('a token refused twice (invalid_token) is UNAUTHORIZED after one renewal, never a loop', async () => {
    server = await startMisbehavingServer(
      answer(401, 'application/json', json({ error: 'invalid_token' }), {
        'www-authenticate': 'Bearer error="invalid_token"',
      }),
    );
    const chat = connect(server.url);
    const error = await chat.sendMessage(MESSAGE).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'UNAUTHORIZED', httpStatus: 401, mayHaveBeenSent: true });
    expectNoSecrets(error, SECRETS);
    expect(server.stats.tokenRequests).toBe(2);
    expect(server.stats.apiRequests).toBe(2);
  });

  it('a renewal that fails after a refusal keeps mayHaveBeenSent true for a send: the refused request was written', async () => {
    server = await startMisbehavingServer(
      answer(401, 'application/json', json({ error: 'invalid_token' }), {
        'www-authenticate': 'Bearer error="invalid_token"',
      }),
    );
    const chat = connect(server.url);
    const live = server;
    live.setTokenBehaviour((exchange) => {
      if (exchange.stats.tokenRequests === 1) return validToken(exchange);
      return answer(400, 'application/json', json({ error: 'invalid_client' }))(exchange);
    });
    await expect(chat.sendMessage(MESSAGE)).rejects.toMatchObject({
      code: 'TOKEN_ENDPOINT',
      mayHaveBeenSent: true,
    });
    await expect(chat.getChatChannels()).rejects.toMatchObject({
      code: 'TOKEN_ENDPOINT',
      mayHaveBeenSent: false,
    });
  });

  it('a missing bearer answered with the realm challenge and MISSING_USER is that API error, without renewal', async () => {
    server = await startMisbehavingServer(
      answer(401, 'application/json', json({ status: 'error', error: 'MISSING_USER' }), {
        'www-authenticate': 'Bearer realm="afilnet"',
      }),
    );
    const chat = connect(server.url);
    await expect(chat.getChatChannels()).rejects.toMatchObject({
      name: 'AfilnetApiError',
      code: 'MISSING_USER',
      httpStatus: 401,
    });
    expect(server.stats.tokenRequests).toBe(1);
    expect(server.stats.apiRequests).toBe(1);
  });

  describe('discovery (RFC 8414)', () => {
    it('asks RFC 8414 first, then OpenID discovery, and calls a failure of both TOKEN_ENDPOINT', async () => {
      server = await startMisbehavingServer(answer(404, 'text/plain', 'Not Found'));
      const chat = connect(server.url, { oauth: { issuer: server.url } });
      const error = await chat.getChatChannels().catch((e: unknown) => e);
      expect(error).toMatchObject({
        code: 'TOKEN_ENDPOINT',
        httpStatus: 404,
        mayHaveBeenSent: false,
      });
      expect(server.stats.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
        'GET /.well-known/oauth-authorization-server',
        'GET /.well-known/openid-configuration',
      ]);
    });

    it('refuses metadata naming another issuer (RFC 8414 §3.3)', async () => {
      server = await startMisbehavingServer(
        answer(
          200,
          'application/json',
          json({
            issuer: 'https://impostor.example',
            token_endpoint: 'https://impostor.example/token',
          }),
        ),
      );
      const chat = connect(server.url, { oauth: { issuer: server.url } });
      await expect(chat.getChatChannels()).rejects.toMatchObject({
        code: 'TOKEN_ENDPOINT',
        mayHaveBeenSent: false,
      });
      expect(server.stats.tokenRequests).toBe(0);
    });
  });
});
