import { describe, expect, it } from 'vitest';
import { AfilnetValidationError } from '@afilnet-chat/core';
import type { HttpExecutor, HttpRequest } from '@afilnet-chat/core/transport';
import { createJsonOAuthTransport } from './create-json-oauth-transport.js';
import { createMemoryTokenStore } from './memory-token-store.js';

const DEMO = { user: 'demo@example.com', password: 'demo-password' };

/** An executor answering from a script, recording what it was asked. */
function scriptedExecutor(
  answers: Record<string, () => { status: number; headers?: Record<string, string>; body: string }>,
) {
  const sent: HttpRequest[] = [];
  const http: HttpExecutor = {
    async send(request) {
      sent.push(request);
      const answer = answers[new URL(request.url).pathname];
      if (!answer) throw new Error(`unexpected ${request.url}`);
      const { status, headers = { 'content-type': 'application/json' }, body } = answer();
      return { status, headers, body };
    },
    close: async () => undefined,
  };
  return { http, sent };
}

const context = (http: HttpExecutor, secrets: string[] = []) => ({
  http,
  signal: new AbortController().signal,
  registerSecret: (s: string) => secrets.push(s),
});

describe('createJsonOAuthTransport', () => {
  it('is json-oauth, rated high', () => {
    expect(createJsonOAuthTransport({ credentials: DEMO })).toMatchObject({
      name: 'json-oauth',
      security: 'high',
    });
  });

  it('needs a client id and secret, from credentials or oauth', () => {
    const error = (() => {
      try {
        createJsonOAuthTransport({});
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(AfilnetValidationError);
    expect(error).toMatchObject({ code: 'INVALID_CONFIG' });
    expect((error as AfilnetValidationError).issues.map((i) => i.path)).toEqual([
      'oauth.clientId',
      'oauth.clientSecret',
    ]);
    expect(() =>
      createJsonOAuthTransport({ oauth: { clientId: 'id', clientSecret: 'secret' } }),
    ).not.toThrow();
  });

  it('refuses http:// URLs unless allowed, listing each', () => {
    expect(() =>
      createJsonOAuthTransport({
        credentials: DEMO,
        baseUrl: 'http://127.0.0.1:1',
        oauth: { issuer: 'http://127.0.0.1:2' },
      }),
    ).toThrow(
      expect.objectContaining({
        code: 'INSECURE_URL',
        issues: [
          expect.objectContaining({ path: 'baseUrl' }),
          expect.objectContaining({ path: 'oauth.issuer' }),
        ],
      }),
    );
    expect(() =>
      createJsonOAuthTransport({
        credentials: DEMO,
        baseUrl: 'http://127.0.0.1:1',
        allowInsecureHttp: true,
      }),
    ).not.toThrow();
  });

  it('asks the default token endpoint, then posts the JSON body with the bearer token, registering both secrets', async () => {
    const { http, sent } = scriptedExecutor({
      '/api/oauth/token': () => ({
        status: 200,
        body: JSON.stringify({ access_token: 'T-1', token_type: 'bearer', expires_in: 60 }),
      }),
      '/api/json/': () => ({ status: 200, body: '{"status":"success","result":[]}' }),
    });
    const secrets: string[] = [];
    const transport = createJsonOAuthTransport({
      credentials: DEMO,
      baseUrl: 'https://api.example',
    });
    const response = await transport.send(
      {
        method: 'getchats',
        params: [
          ['platform', 'whatsapp'],
          ['platformid', '100'],
        ],
      },
      context(http, secrets),
    );
    expect(response).toMatchObject({
      httpStatus: 200,
      payload: { kind: 'envelope', value: { status: 'success', result: [] } },
    });
    expect(sent.map((r) => `${r.method} ${r.url}`)).toEqual([
      'POST https://api.example/api/oauth/token',
      'POST https://api.example/api/json/',
    ]);
    expect(sent[1]?.headers).toMatchObject({
      authorization: 'Bearer T-1',
      'content-type': 'application/json',
    });
    expect(sent[1]?.body).toBe(
      '{"class":"chat","method":"getchats","platform":"whatsapp","platformid":"100"}',
    );
    expect(secrets).toContain('T-1');
    expect(secrets).toContain(Buffer.from('demo%40example.com:demo-password').toString('base64'));
  });

  it('sends client_secret_post in the form, with no Authorization header, and the scope', async () => {
    const { http, sent } = scriptedExecutor({
      '/token': () => ({
        status: 200,
        body: JSON.stringify({ access_token: 'T', token_type: 'Bearer' }),
      }),
      '/api/json/': () => ({ status: 200, body: '{"status":"success","result":[]}' }),
    });
    const transport = createJsonOAuthTransport({
      credentials: DEMO,
      baseUrl: 'https://api.example',
      oauth: {
        tokenUrl: 'https://as.example/token',
        clientAuthMethod: 'client_secret_post',
        scope: 'chat',
      },
    });
    await transport.send({ method: 'getchatchannels', params: [] }, context(http));
    expect(sent[0]?.headers.authorization).toBeUndefined();
    expect(Object.fromEntries(new URLSearchParams(sent[0]?.body))).toEqual({
      scope: 'chat',
      grant_type: 'client_credentials',
      client_id: DEMO.user,
      client_secret: DEMO.password,
    });
  });
});

/**
 * Two authorization servers' worth of hosts on one executor: each token endpoint issues a token
 * only to the demo client with the right password; each API records the tokens it was sent.
 */
function accountsExecutor() {
  let issued = 0;
  const tokensIssued: string[] = [];
  const apiSaw: Array<{ host: string; authorization: string | undefined }> = [];
  const rightBasic = `Basic ${Buffer.from(`${encodeURIComponent(DEMO.user)}:${encodeURIComponent(DEMO.password)}`).toString('base64')}`;
  const http: HttpExecutor = {
    async send(request) {
      const url = new URL(request.url);
      const json = { 'content-type': 'application/json' };
      if (url.pathname === '/api/oauth/token') {
        if (request.headers.authorization !== rightBasic) {
          return {
            status: 401,
            headers: { ...json, 'www-authenticate': 'Basic realm="afilnet"' },
            body: '{"error":"invalid_client"}',
          };
        }
        const token = `T-${url.host}-${++issued}`;
        tokensIssued.push(token);
        return {
          status: 200,
          headers: json,
          body: JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: 3600 }),
        };
      }
      apiSaw.push({ host: url.host, authorization: request.headers.authorization });
      return { status: 200, headers: json, body: '{"status":"success","result":[]}' };
    },
    close: async () => undefined,
  };
  return { http, tokensIssued, apiSaw };
}

const CHANNELS = { method: 'getchatchannels', params: [] } as const;

describe('a token store shared by clients', () => {
  it('never hands the token of the right password to a client with a wrong one', async () => {
    const { http, tokensIssued, apiSaw } = accountsExecutor();
    const tokenStore = createMemoryTokenStore();
    const right = createJsonOAuthTransport({
      credentials: DEMO,
      baseUrl: 'https://api.example',
      oauth: { tokenStore },
    });
    const wrong = createJsonOAuthTransport({
      credentials: { ...DEMO, password: 'not-the-password' },
      baseUrl: 'https://api.example',
      oauth: { tokenStore },
    });
    await right.send(CHANNELS, context(http));
    await expect(wrong.send(CHANNELS, context(http))).rejects.toMatchObject({
      code: 'INCORRECT_USER_PASSWORD',
    });
    expect(tokensIssued).toHaveLength(1);
    expect(apiSaw).toEqual([{ host: 'api.example', authorization: `Bearer ${tokensIssued[0]}` }]);
  });

  it('never sends a token to an API origin other than the one it was obtained for', async () => {
    const { http, tokensIssued, apiSaw } = accountsExecutor();
    const tokenStore = createMemoryTokenStore();
    const tokenUrl = 'https://api.example/api/oauth/token';
    const here = createJsonOAuthTransport({
      credentials: DEMO,
      baseUrl: 'https://api.example',
      oauth: { tokenStore, tokenUrl },
    });
    const elsewhere = createJsonOAuthTransport({
      credentials: DEMO,
      baseUrl: 'https://elsewhere.example',
      oauth: { tokenStore, tokenUrl },
    });
    await here.send(CHANNELS, context(http));
    await elsewhere.send(CHANNELS, context(http));
    expect(tokensIssued).toHaveLength(2);
    expect(apiSaw).toEqual([
      { host: 'api.example', authorization: `Bearer ${tokensIssued[0]}` },
      { host: 'elsewhere.example', authorization: `Bearer ${tokensIssued[1]}` },
    ]);
  });

  it('shares one token between clients with the same secret and API', async () => {
    const { http, tokensIssued, apiSaw } = accountsExecutor();
    const tokenStore = createMemoryTokenStore();
    const clients = [1, 2, 3].map(() =>
      createJsonOAuthTransport({
        credentials: DEMO,
        baseUrl: 'https://api.example',
        oauth: { tokenStore },
      }),
    );
    await Promise.all(clients.map((c) => c.send(CHANNELS, context(http))));
    expect(tokensIssued).toHaveLength(1);
    expect(apiSaw.map((r) => r.authorization)).toEqual(
      Array.from({ length: 3 }, () => `Bearer ${tokensIssued[0]}`),
    );
  });

  it('keeps the secret, in any form, out of the store key', async () => {
    const { http } = accountsExecutor();
    const keys: string[] = [];
    const memory = createMemoryTokenStore();
    const tokenStore = {
      get: (key: string) => {
        keys.push(key);
        return memory.get(key);
      },
      set: memory.set,
    };
    await createJsonOAuthTransport({
      credentials: DEMO,
      baseUrl: 'https://api.example',
      oauth: { tokenStore },
    }).send(CHANNELS, context(http));
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key).not.toContain(DEMO.password);
      expect(key).not.toContain(Buffer.from(DEMO.password).toString('base64'));
      expect(key).toContain('https://api.example');
    }
  });
});
