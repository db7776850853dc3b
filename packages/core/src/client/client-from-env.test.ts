import { describe, expect, it } from 'vitest';
import { configFromEnv, createChatClientFromEnv } from './client-from-env.js';

describe('configFromEnv', () => {
  it('reads every AFILNET_ variable', () => {
    expect(
      configFromEnv({
        AFILNET_TRANSPORT: 'json-oauth',
        AFILNET_BASE_URL: 'http://127.0.0.1:9',
        AFILNET_USER: 'u@example.com',
        AFILNET_PASSWORD: 'pw',
        AFILNET_CLIENT_ID: 'cid',
        AFILNET_CLIENT_SECRET: 'cs',
        AFILNET_TOKEN_URL: 'http://127.0.0.1:9/token',
        AFILNET_MIN_SECURITY: 'high',
        AFILNET_TIMEOUT_MS: '2500',
        AFILNET_ALLOW_INSECURE_HTTP: 'true',
      }),
    ).toEqual({
      transport: 'json-oauth',
      baseUrl: 'http://127.0.0.1:9',
      credentials: { user: 'u@example.com', password: 'pw' },
      oauth: { clientId: 'cid', clientSecret: 'cs', tokenUrl: 'http://127.0.0.1:9/token' },
      minimumSecurity: 'high',
      timeoutMs: 2500,
      allowInsecureHttp: true,
    });
  });

  it('has no default transport', () => {
    expect(() => createChatClientFromEnv({ AFILNET_USER: 'u', AFILNET_PASSWORD: 'p' })).toThrow(
      /transport: is required/,
    );
  });

  it('reports unreadable variables together', () => {
    expect(() =>
      configFromEnv({ AFILNET_TIMEOUT_MS: '10s', AFILNET_ALLOW_INSECURE_HTTP: 'yes' }),
    ).toThrow(
      /AFILNET_TIMEOUT_MS: must be a whole number.*AFILNET_ALLOW_INSECURE_HTTP: must be 1, true, 0 or false/,
    );
  });

  it('lets overrides win', () => {
    expect(configFromEnv({ AFILNET_TRANSPORT: 'get' }, { transport: 'post' }).transport).toBe(
      'post',
    );
  });
});
