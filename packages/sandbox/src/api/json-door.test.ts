import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../start-sandbox.js';

const OTHER = { user: 'other@example.com', password: 'other-password' };

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({
    accounts: [
      { ...OTHER, channels: [{ platform: 'whatsapp', platformId: '100', name: 'Other WhatsApp' }] },
    ],
    verifyExternalToken: (token) => (token === 'external-token-for-other' ? OTHER.user : undefined),
  });
});
afterAll(() => sandbox.close());

async function tokenFor(user: string, password: string, at: Sandbox = sandbox): Promise<string> {
  const response = await fetch(`${at.url}/api/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: user,
      client_secret: password,
    }).toString(),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

function call(
  authorization: string | undefined,
  body: unknown,
  contentType = 'application/json',
  at: Sandbox = sandbox,
) {
  return fetch(`${at.url}/api/json/`, {
    method: 'POST',
    headers: { 'content-type': contentType, ...(authorization ? { authorization } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const channels = { class: 'chat', method: 'getchatchannels' };

describe('POST /api/json/', () => {
  it('answers the envelope of the account the token was issued for', async () => {
    const response = await call(
      `Bearer ${await tokenFor('demo@example.com', 'demo-password')}`,
      channels,
    );
    expect(response.status).toBe(200);
    const envelope = (await response.json()) as { status: string; result: Array<{ name: string }> };
    expect(envelope.status).toBe('success');
    expect(envelope.result.map((c) => c.name)).toContain('Demo WhatsApp');
  });

  it("never opens another account's data with a token", async () => {
    const other = await tokenFor(OTHER.user, OTHER.password);
    const response = await call(`Bearer ${other}`, channels);
    await expect(response.json()).resolves.toEqual({
      status: 'success',
      result: [{ platformid: '100', platform: 'whatsapp', name: 'Other WhatsApp' }],
    });
  });

  it('answers a missing bearer with 401, the Bearer realm challenge and MISSING_USER, as every flavour answers a missing user', async () => {
    for (const authorization of [
      undefined,
      `Basic ${Buffer.from('demo@example.com:demo-password').toString('base64')}`,
    ]) {
      const response = await call(authorization, channels);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="afilnet"');
      await expect(response.json()).resolves.toEqual({ status: 'error', error: 'MISSING_USER' });
    }
  });

  it('answers an unknown token with 401 invalid_token (RFC 6750 §3.1)', async () => {
    const response = await call('Bearer not-a-token', channels);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    await expect(response.json()).resolves.toEqual({ error: 'invalid_token' });
  });

  it('answers an expired token, and a revoked one, with 401 invalid_token', async () => {
    const shortLived = await startSandbox({ tokenLifetimeSeconds: 1 });
    try {
      const expiring = await tokenFor('demo@example.com', 'demo-password', shortLived);
      await new Promise((resolve) => setTimeout(resolve, 1050));
      const expired = await call(`Bearer ${expiring}`, channels, 'application/json', shortLived);
      expect(expired.status).toBe(401);
      expect(expired.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    } finally {
      await shortLived.close();
    }

    const revoked = await tokenFor('demo@example.com', 'demo-password');
    expect((await call(`Bearer ${revoked}`, channels)).status).toBe(200);
    sandbox.revokeTokens();
    const response = await call(`Bearer ${revoked}`, channels);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  });

  it('accepts a token of an external authorization server through verifyExternalToken', async () => {
    const response = await call('Bearer external-token-for-other', channels);
    await expect(response.json()).resolves.toMatchObject({
      status: 'success',
      result: [{ name: 'Other WhatsApp' }],
    });
  });

  it('goes through the common error precedence with an authenticated account', async () => {
    const token = `Bearer ${await tokenFor('demo@example.com', 'demo-password')}`;
    await expect((await call(token, { method: 'getchatchannels' })).json()).resolves.toEqual({
      status: 'error',
      error: 'MISSING_CLASS',
    });
    await expect(
      (await call(token, { class: 'chat', method: 'getchats', platform: 'whatsapp' })).json(),
    ).resolves.toEqual({
      status: 'error',
      error: 'MISSING_COMPULSORY_PARAM',
    });
  });

  it('refuses a body that is not a JSON object, and a non-JSON content type', async () => {
    const token = `Bearer ${await tokenFor('demo@example.com', 'demo-password')}`;
    expect((await call(token, 'class=chat', 'application/x-www-form-urlencoded')).status).toBe(415);
    expect((await call(token, '{not json')).status).toBe(400);
    expect((await call(token, '["chat"]')).status).toBe(400);
  });
});
