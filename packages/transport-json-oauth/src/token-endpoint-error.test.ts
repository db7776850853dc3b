import { describe, expect, it } from 'vitest';
import { AfilnetTransportError } from '@afilnet-chat/core';
import { accountRefusal, oauthErrorOf, tokenEndpointError } from './token-endpoint-error.js';

describe('oauthErrorOf', () => {
  it('reads the RFC 6749 §5.2 error code of a JSON body', () => {
    expect(oauthErrorOf('{"error":"invalid_client","error_description":"no"}')).toBe(
      'invalid_client',
    );
  });

  it.each([
    ['HTML', '<html>oops</html>'],
    ['no error member', '{"access_token":"x"}'],
    ['a non-string error', '{"error":42}'],
    ['an error holding a quote', '{"error":"a\\"b"}'],
    ['an error spanning lines', '{"error":"POST /api/oauth/token\\nauthorization: Basic abc"}'],
    ['an error longer than a code', JSON.stringify({ error: 'x'.repeat(65) })],
  ])('finds none in %s', (_label, body) => {
    expect(oauthErrorOf(body)).toBeUndefined();
  });
});

describe('tokenEndpointError', () => {
  it('carries the Retry-After of a busy token endpoint, so the retry waits for it', () => {
    const busy = tokenEndpointError(
      new Error('unexpected status'),
      { status: 429, headers: { 'retry-after': '3' }, body: '' },
      'token',
    );
    expect(busy).toMatchObject({
      code: 'TOKEN_ENDPOINT',
      httpStatus: 429,
      retryAfterMs: 3_000,
      mayHaveBeenSent: false,
    });
  });

  it('keeps NETWORK but says the API request was not written', () => {
    const network = new AfilnetTransportError('NETWORK', 'reset', { mayHaveBeenSent: true });
    expect(tokenEndpointError(network, undefined, 'token')).toMatchObject({
      code: 'NETWORK',
      mayHaveBeenSent: false,
    });
  });

  it('calls an answer without a usable token TOKEN_ENDPOINT, with status and OAuth error', () => {
    const error = tokenEndpointError(
      new Error('unexpected status'),
      { status: 401, headers: {}, body: '{"error":"invalid_client"}' },
      'token',
    );
    expect(error).toMatchObject({
      code: 'TOKEN_ENDPOINT',
      httpStatus: 401,
      oauthError: 'invalid_client',
      mayHaveBeenSent: false,
    });
    expect(error.message).toContain('invalid_client');
  });

  it('calls an over-large token answer TOKEN_ENDPOINT: it gave no usable token', () => {
    const tooLarge = new AfilnetTransportError('RESPONSE_TOO_LARGE', 'too large', {
      mayHaveBeenSent: true,
    });
    expect(tokenEndpointError(tooLarge, undefined, 'token')).toMatchObject({
      code: 'TOKEN_ENDPOINT',
      mayHaveBeenSent: false,
    });
  });

  it('keeps only name, code and message of a foreign cause', () => {
    const original = Object.assign(new Error('bad body'), {
      code: 'OAUTH_INVALID_RESPONSE',
      cause: { body: { access_token: 'secret-token' } },
    });
    const error = tokenEndpointError(original, undefined, 'token');
    expect(
      JSON.stringify(error.cause, Object.getOwnPropertyNames(error.cause as object)),
    ).not.toContain('secret-token');
    expect(error.cause).toMatchObject({ message: 'bad body', code: 'OAUTH_INVALID_RESPONSE' });
  });
});

describe('accountRefusal', () => {
  const refusal = (details: { httpStatus?: number; oauthError?: string }) =>
    new AfilnetTransportError('TOKEN_ENDPOINT', 'refused', { mayHaveBeenSent: false, ...details });

  it.each([
    ['invalid_client', { httpStatus: 401, oauthError: 'invalid_client' }],
    ['invalid_grant', { httpStatus: 400, oauthError: 'invalid_grant' }],
    ['a bare 401', { httpStatus: 401 }],
  ])('makes %s a wrong password, the token error its cause', (_label, details) => {
    const cause = refusal(details);
    const error = accountRefusal(cause);
    expect(error).toMatchObject({
      name: 'AfilnetApiError',
      code: 'INCORRECT_USER_PASSWORD',
      httpStatus: details.httpStatus,
    });
    expect((error as Error).cause).toBe(cause);
  });

  it('leaves every other failure as it is', () => {
    for (const other of [
      refusal({ httpStatus: 400, oauthError: 'invalid_scope' }),
      refusal({ httpStatus: 503 }),
      new AfilnetTransportError('NETWORK', 'reset'),
    ]) {
      expect(accountRefusal(other)).toBe(other);
    }
  });
});
