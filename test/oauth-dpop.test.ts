/**
 * DPoP (RFC 9449) end to end: with `oauth.dpop`, the client binds its tokens to a key of its own
 * and proves possession on every request; the sandbox checks each proof and refuses a bound token
 * used without one. Real sockets, both executors.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createChatClient, type ChatClient } from '@afilnet-chat/core';
import { startSandbox, type Sandbox } from '@afilnet-chat/sandbox';
import { DEMO } from './support/account.js';
import {
  ISSUED_TOKEN_PREFIX,
  startMisbehavingServer,
  type ReceivedRequest,
} from './support/misbehaving-server.js';
import { createRequestLog, type RequestLog } from './support/request-log.js';
import { oauthClients } from './support/oauth-clients.js';
import { EXECUTORS } from './support/wire-capture.js';

const FORM = 'application/x-www-form-urlencoded';

/** A DPoP proof made with jose, independently of the client. */
async function joseProof(url: string, accessToken?: string): Promise<{ proof: string }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const payload: Record<string, unknown> = {
    htm: 'POST',
    htu: url,
    jti: crypto.randomUUID(),
    iat: Math.floor(Date.now() / 1000),
  };
  if (accessToken !== undefined)
    payload.ath = createHash('sha256').update(accessToken).digest('base64url');
  const proof = await new SignJWT(payload)
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: await exportJWK(publicKey) })
    .sign(privateKey);
  return { proof };
}

describe.each(EXECUTORS)('json-oauth with DPoP × %s', (executor) => {
  let sandbox: Sandbox;
  const clients = oauthClients(executor);
  const logs: RequestLog[] = [];

  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(() => sandbox.close());
  afterEach(async () => {
    await clients.closeAll();
    await Promise.all(logs.splice(0).map((l) => l.close()));
  });

  function connect(dpop: boolean): { chat: ChatClient; log: RequestLog } {
    const log = createRequestLog();
    logs.push(log);
    return {
      chat: clients.connect(sandbox.url, { dispatcher: log.dispatcher, oauth: { dpop } }),
      log,
    };
  }

  it('proves possession on the token request and on every API request', async () => {
    const { chat, log } = connect(true);
    await expect(chat.getChatChannels()).resolves.toHaveLength(4);
    await chat.getChatChannels();
    const [token, ...calls] = log.requests;
    expect(token?.path).toBe('/api/oauth/token');
    expect(token?.headers.dpop).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(calls).toHaveLength(2);
    for (const call of calls) {
      expect(call.headers.authorization).toMatch(/^DPoP /);
      expect(call.headers.dpop).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      expect(call.status).toBe(200);
    }
    expect(calls[0]?.headers.dpop).not.toBe(calls[1]?.headers.dpop);
  });

  it('renews a revoked DPoP token once, as it does a Bearer one', async () => {
    const { chat, log } = connect(true);
    await chat.getChatChannels();
    sandbox.revokeTokens();
    await chat.getChatChannels();
    expect(log.lines()).toEqual([
      'POST /api/oauth/token 200',
      'POST /api/json/ 200',
      'POST /api/json/ 401',
      'POST /api/oauth/token 200',
      'POST /api/json/ 200',
    ]);
  });

  it('with requireDpop, binds its tokens as with dpop', async () => {
    const log = createRequestLog();
    logs.push(log);
    const chat = clients.connect(sandbox.url, {
      dispatcher: log.dispatcher,
      oauth: { requireDpop: true },
    });
    await expect(chat.getChatChannels()).resolves.toHaveLength(4);
    expect(log.requests[0]?.headers.dpop).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(log.requests[1]?.headers.authorization).toMatch(/^DPoP /);
  });

  it('sends no proof without the option', async () => {
    const { chat, log } = connect(false);
    await chat.getChatChannels();
    expect(log.requests.map((r) => r.headers.dpop)).toEqual([undefined, undefined]);
    expect(log.requests[1]?.headers.authorization).toMatch(/^Bearer /);
  });
});

describe('the sandbox with DPoP-bound tokens', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(() => sandbox.close());

  async function boundToken(): Promise<string> {
    const { proof } = await joseProof(`${sandbox.url}/api/oauth/token`);
    const response = await fetch(`${sandbox.url}/api/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': FORM, dpop: proof },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: DEMO.user,
        client_secret: DEMO.password,
      }).toString(),
    });
    const body = (await response.json()) as { access_token: string; token_type: string };
    expect(body.token_type).toBe('DPoP');
    return body.access_token;
  }

  const call = (authorization: string, dpop?: string) =>
    fetch(`${sandbox.url}/api/json/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization, ...(dpop ? { dpop } : {}) },
      body: JSON.stringify({ class: 'chat', method: 'getchatchannels' }),
    });

  it('refuses a token request whose proof names another URL (RFC 9449 §5: invalid_dpop_proof)', async () => {
    const { proof } = await joseProof(`${sandbox.url}/elsewhere`);
    const response = await fetch(`${sandbox.url}/api/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': FORM, dpop: proof },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: DEMO.user,
        client_secret: DEMO.password,
      }).toString(),
    });
    expect(response.status).toBe(400);
    await expect(response.json()).resolves.toEqual({ error: 'invalid_dpop_proof' });
  });

  it('refuses a bound token presented as a Bearer token (RFC 9449 §7.2)', async () => {
    const response = await call(`Bearer ${await boundToken()}`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  });

  it('refuses a bound token with no proof, or a proof by another key', async () => {
    const token = await boundToken();
    const missing = await call(`DPoP ${token}`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('DPoP error="invalid_dpop_proof"');
    const { proof } = await joseProof(`${sandbox.url}/api/json/`, token);
    const foreign = await call(`DPoP ${token}`, proof);
    expect(foreign.status).toBe(401);
    expect(foreign.headers.get('www-authenticate')).toBe('DPoP error="invalid_dpop_proof"');
  });
});

describe.each(EXECUTORS)('DPoP nonces (RFC 9449 §8, §9) × %s', (executor) => {
  const nonceOf = (request: ReceivedRequest): unknown => {
    const proof = request.headers.dpop;
    if (typeof proof !== 'string') return undefined;
    return (
      JSON.parse(Buffer.from(proof.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
        nonce?: unknown;
      }
    ).nonce;
  };

  it('makes the token request and the API request again, once each, with the nonce the server asked for', async () => {
    const server = await startMisbehavingServer(({ request, res }) => {
      if (nonceOf(request) !== 'api-nonce') {
        res.writeHead(401, {
          'content-type': 'application/json',
          'www-authenticate': 'DPoP error="use_dpop_nonce"',
          'dpop-nonce': 'api-nonce',
        });
        res.end(JSON.stringify({ error: 'use_dpop_nonce' }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'success', result: null }));
    });
    server.setTokenBehaviour(({ request, res, stats }) => {
      if (nonceOf(request) !== 'token-nonce') {
        res.writeHead(400, { 'content-type': 'application/json', 'dpop-nonce': 'token-nonce' });
        res.end(JSON.stringify({ error: 'use_dpop_nonce' }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          access_token: `${ISSUED_TOKEN_PREFIX}-${stats.tokenRequests}`,
          token_type: 'DPoP',
          expires_in: 3600,
        }),
      );
    });
    const chat = createChatClient({
      transport: 'json-oauth',
      baseUrl: server.url,
      credentials: DEMO,
      allowInsecureHttp: true,
      executor,
      retry: false,
      oauth: { dpop: true },
    });
    try {
      await expect(
        chat.sendMessage({
          platform: 'whatsapp',
          platformId: '100',
          destination: '1',
          message: 'm',
        }),
      ).resolves.toBeUndefined();
      expect(server.stats.requests.map((r) => `${r.path} ${String(nonceOf(r))}`)).toEqual([
        '/api/oauth/token undefined',
        '/api/oauth/token token-nonce',
        '/api/json/ token-nonce',
        '/api/json/ api-nonce',
      ]);
    } finally {
      await chat.close();
      await server.close();
    }
  });
});

describe.each(EXECUTORS)('a DPoP client given a Bearer token × %s', (executor) => {
  /** A server that ignores the DPoP proof and issues a plain Bearer token (RFC 9449 §5 allows it). */
  async function bearerOnlyServer() {
    const server = await startMisbehavingServer(({ res }) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'success', result: [] }));
    });
    server.setTokenBehaviour(({ res, stats }) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          access_token: `${ISSUED_TOKEN_PREFIX}-${stats.tokenRequests}`,
          token_type: 'Bearer',
          expires_in: 3600,
        }),
      );
    });
    return server;
  }

  const connect = (url: string, oauth: { dpop?: boolean; requireDpop?: boolean }): ChatClient =>
    createChatClient({
      transport: 'json-oauth',
      baseUrl: url,
      credentials: DEMO,
      allowInsecureHttp: true,
      executor,
      retry: false,
      oauth,
    });

  it('with requireDpop, refuses it as TOKEN_ENDPOINT naming the token type, and sends nothing to the API', async () => {
    const server = await bearerOnlyServer();
    const chat = connect(server.url, { requireDpop: true });
    try {
      const error = await chat.getChatChannels().catch((e: unknown) => e);
      expect(error).toMatchObject({
        name: 'AfilnetTransportError',
        code: 'TOKEN_ENDPOINT',
        mayHaveBeenSent: false,
      });
      expect((error as Error).message).toContain('Bearer');
      expect(String((error as Error).message)).not.toContain(ISSUED_TOKEN_PREFIX);
      expect(server.stats.tokenRequests).toBe(1);
      expect(server.stats.apiRequests).toBe(0);
    } finally {
      await chat.close();
      await server.close();
    }
  });

  it('with dpop alone, uses it as a Bearer token (RFC 9449 §5)', async () => {
    const server = await bearerOnlyServer();
    const chat = connect(server.url, { dpop: true });
    try {
      await expect(chat.getChatChannels()).resolves.toEqual([]);
      expect(server.stats.requests.at(-1)?.headers.authorization).toMatch(/^Bearer /);
    } finally {
      await chat.close();
      await server.close();
    }
  });
});
