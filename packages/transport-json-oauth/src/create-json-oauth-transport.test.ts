import { describe, expect, it } from 'vitest';
import { AfilnetValidationError, type HttpExecutor, type HttpRequest } from '@afilnet-chat/core';
import { createJsonOAuthTransport } from './create-json-oauth-transport.js';

const DEMO = { user: 'demo@example.com', password: 'demo-password' };

/** An executor answering from a script, recording what it was asked. */
function scriptedExecutor(answers: Record<string, () => { status: number; headers?: Record<string, string>; body: string }>) {
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
    expect(createJsonOAuthTransport({ credentials: DEMO })).toMatchObject({ name: 'json-oauth', security: 'high' });
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
    expect((error as AfilnetValidationError).issues.map((i) => i.path)).toEqual(['oauth.clientId', 'oauth.clientSecret']);
    expect(() => createJsonOAuthTransport({ oauth: { clientId: 'id', clientSecret: 'secret' } })).not.toThrow();
  });

  it('refuses http:// URLs unless allowed, listing each', () => {
    expect(() =>
      createJsonOAuthTransport({ credentials: DEMO, baseUrl: 'http://127.0.0.1:1', oauth: { issuer: 'http://127.0.0.1:2' } }),
    ).toThrow(expect.objectContaining({ code: 'INSECURE_URL', issues: [expect.objectContaining({ path: 'baseUrl' }), expect.objectContaining({ path: 'oauth.issuer' })] }));
    expect(() => createJsonOAuthTransport({ credentials: DEMO, baseUrl: 'http://127.0.0.1:1', allowInsecureHttp: true })).not.toThrow();
  });

  it('asks the default token endpoint, then posts the JSON body with the bearer token, registering both secrets', async () => {
    const { http, sent } = scriptedExecutor({
      '/api/oauth/token': () => ({ status: 200, body: JSON.stringify({ access_token: 'T-1', token_type: 'bearer', expires_in: 60 }) }),
      '/api/json/': () => ({ status: 200, body: '{"status":"success","result":[]}' }),
    });
    const secrets: string[] = [];
    const transport = createJsonOAuthTransport({ credentials: DEMO, baseUrl: 'https://api.example' });
    const response = await transport.send(
      { method: 'getchats', params: [['platform', 'whatsapp'], ['platformid', '100']] },
      context(http, secrets),
    );
    expect(response).toMatchObject({ httpStatus: 200, payload: { kind: 'envelope', value: { status: 'success', result: [] } } });
    expect(sent.map((r) => `${r.method} ${r.url}`)).toEqual(['POST https://api.example/api/oauth/token', 'POST https://api.example/api/json/']);
    expect(sent[1]?.headers).toMatchObject({ authorization: 'Bearer T-1', 'content-type': 'application/json' });
    expect(sent[1]?.body).toBe('{"class":"chat","method":"getchats","platform":"whatsapp","platformid":"100"}');
    expect(secrets).toContain('T-1');
    expect(secrets).toContain(Buffer.from('demo%40example.com:demo-password').toString('base64'));
  });

  it('sends client_secret_post in the form, with no Authorization header, and the scope', async () => {
    const { http, sent } = scriptedExecutor({
      '/token': () => ({ status: 200, body: JSON.stringify({ access_token: 'T', token_type: 'Bearer' }) }),
      '/api/json/': () => ({ status: 200, body: '{"status":"success","result":[]}' }),
    });
    const transport = createJsonOAuthTransport({
      credentials: DEMO,
      baseUrl: 'https://api.example',
      oauth: { tokenUrl: 'https://as.example/token', clientAuthMethod: 'client_secret_post', scope: 'chat' },
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
