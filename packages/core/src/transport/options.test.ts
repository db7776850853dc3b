import { describe, expect, it } from 'vitest';
import { createChatClient } from '../client/client.js';
import { DEFAULT_BASE_URL } from '../config/defaults.js';
import { AfilnetValidationError } from '../errors/errors.js';
import { resolveTransportOptions } from './options.js';
import { DEFAULT_PATHS } from './transport.js';

const credentials = { user: 'demo@example.com', password: 'top-secret-pw' };

function refusal(build: () => unknown): AfilnetValidationError {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(AfilnetValidationError);
    return error as AfilnetValidationError;
  }
  throw new Error('the options were accepted');
}

describe('one rule set for both ways of building a transport', () => {
  it.each([
    [
      'CR/LF in a password',
      'post',
      { credentials: { user: 'u', password: 'p\r\nX: 1' } },
      'INVALID_CONFIG',
      ['credentials.password'],
    ],
    [
      'an empty user',
      'get',
      { credentials: { user: '', password: 'p' } },
      'INVALID_CONFIG',
      ['credentials.user'],
    ],
    ['no credentials', 'soap', {}, 'INVALID_CONFIG', ['credentials']],
    [
      "':' in a Basic user",
      'basic',
      { credentials: { user: 'a:b', password: 'p' } },
      'INVALID_CONFIG',
      ['credentials.user'],
    ],
    [
      'no OAuth client',
      'json-oauth',
      { oauth: { scope: 'chat' } },
      'INVALID_CONFIG',
      ['oauth.clientId', 'oauth.clientSecret'],
    ],
    [
      'an http:// base URL',
      'post',
      { credentials, baseUrl: 'http://api.example' },
      'INSECURE_URL',
      ['baseUrl'],
    ],
    [
      'an http:// issuer',
      'json-oauth',
      { credentials, oauth: { issuer: 'http://auth.example' } },
      'INSECURE_URL',
      ['oauth.issuer'],
    ],
  ] as const)(
    '%s: the same refusal from createChatClient and from the factory',
    (_label, transport, options, code, paths) => {
      const byConfig = refusal(() => createChatClient({ transport, ...options }));
      const byHand = refusal(() => resolveTransportOptions(transport, options));
      for (const error of [byConfig, byHand]) {
        expect(error.code).toBe(code);
        expect(error.issues.map((i) => i.path)).toEqual(paths);
        expect(JSON.stringify(error) + error.message).not.toContain('X: 1');
      }
    },
  );

  it("accepts ':' in a user for every transport but basic, and an OAuth client without credentials", () => {
    expect(() =>
      resolveTransportOptions('post', { credentials: { user: 'a:b', password: 'p' } }),
    ).not.toThrow();
    expect(() =>
      resolveTransportOptions('json-oauth', { oauth: { clientId: 'id', clientSecret: 'secret' } }),
    ).not.toThrow();
    expect(() =>
      resolveTransportOptions('post', {
        credentials,
        baseUrl: 'http://127.0.0.1:1',
        allowInsecureHttp: true,
      }),
    ).not.toThrow();
  });

  it("adds the transport's own credential rule to the common ones, listing every problem", () => {
    const rule = (field: 'user' | 'password', value: string) =>
      value.includes('!') ? `${field} has a bang` : undefined;
    const error = refusal(() =>
      resolveTransportOptions(
        'soap',
        { credentials: { user: 'u!', password: '' } },
        { credentialRule: rule },
      ),
    );
    expect(error.issues).toEqual(
      expect.arrayContaining([
        { path: 'credentials.password', message: 'must not be empty' },
        { path: 'credentials.user', message: 'user has a bang' },
      ]),
    );
  });

  it("fills in core's defaults", () => {
    expect(resolveTransportOptions('get', { credentials })).toEqual({
      baseUrl: DEFAULT_BASE_URL,
      credentials,
      paths: DEFAULT_PATHS,
      basic: {},
      soap: {},
      oauth: {},
      allowInsecureHttp: false,
    });
  });
});
