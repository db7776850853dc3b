import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../start-sandbox.js';

const DEMO_BASIC = `Basic ${Buffer.from('demo%40example.com:demo-password').toString('base64')}`;
const FORM = 'application/x-www-form-urlencoded';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ tokenLifetimeSeconds: 120 });
});
afterAll(() => sandbox.close());

function tokenRequest(headers: Record<string, string>, body: string, method = 'POST') {
  return fetch(`${sandbox.url}/api/oauth/token`, {
    method,
    headers,
    ...(method === 'POST' ? { body } : {}),
  });
}

describe('POST /api/oauth/token', () => {
  it('issues a bearer token for client_secret_basic (RFC 6749 §5.1), never cacheable', async () => {
    const response = await tokenRequest(
      { authorization: DEMO_BASIC, 'content-type': FORM },
      'grant_type=client_credentials',
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('pragma')).toBe('no-cache');
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 120,
    });
  });

  it('issues a token for client_secret_post', async () => {
    const response = await tokenRequest(
      { 'content-type': FORM },
      'grant_type=client_credentials&client_id=demo%40example.com&client_secret=demo-password',
    );
    expect(response.status).toBe(200);
  });

  it('accepts an unescaped @ in client_secret_basic: form decoding leaves it as it is', async () => {
    const raw = `Basic ${Buffer.from('demo@example.com:demo-password').toString('base64')}`;
    const response = await tokenRequest(
      { authorization: raw, 'content-type': FORM },
      'grant_type=client_credentials',
    );
    expect(response.status).toBe(200);
  });

  it.each([
    [
      'a wrong secret',
      { authorization: `Basic ${Buffer.from('demo%40example.com:nope').toString('base64')}` },
    ],
    ['an unknown client', { authorization: `Basic ${Buffer.from('nobody:x').toString('base64')}` }],
    ['no client authentication', {}],
  ])(
    'answers %s with 401 invalid_client and a Basic challenge (RFC 6749 §5.2)',
    async (_label, headers) => {
      const response = await tokenRequest(
        { ...headers, 'content-type': FORM },
        'grant_type=client_credentials',
      );
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Basic realm="afilnet"');
      await expect(response.json()).resolves.toEqual({ error: 'invalid_client' });
    },
  );

  it.each([
    ['a missing grant_type', FORM, '', 'invalid_request'],
    ['another grant', FORM, 'grant_type=password', 'unsupported_grant_type'],
    ['a JSON body', 'application/json', '{"grant_type":"client_credentials"}', 'invalid_request'],
  ])('answers %s with 400', async (_label, contentType, body, error) => {
    const response = await tokenRequest(
      { authorization: DEMO_BASIC, 'content-type': contentType },
      body,
    );
    expect(response.status).toBe(400);
    await expect(response.json()).resolves.toEqual({ error });
  });

  it('answers two client authentication methods at once with 400 invalid_request', async () => {
    const response = await tokenRequest(
      { authorization: DEMO_BASIC, 'content-type': FORM },
      'grant_type=client_credentials&client_id=demo%40example.com&client_secret=demo-password',
    );
    expect(response.status).toBe(400);
    await expect(response.json()).resolves.toEqual({ error: 'invalid_request' });
  });

  it('answers GET with 405', async () => {
    const response = await tokenRequest({}, '', 'GET');
    expect(response.status).toBe(405);
  });
});

describe('GET /.well-known/oauth-authorization-server (RFC 8414)', () => {
  it('names the issuer as the client reached it, and the token endpoint', async () => {
    const response = await fetch(`${sandbox.url}/.well-known/oauth-authorization-server`);
    expect(response.status).toBe(200);
    await expect(response.json()).resolves.toMatchObject({
      issuer: sandbox.url,
      token_endpoint: `${sandbox.url}/api/oauth/token`,
      grant_types_supported: ['client_credentials'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    });
  });
});
