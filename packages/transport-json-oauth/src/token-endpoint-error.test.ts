import { describe, expect, it } from 'vitest';
import { AfilnetTransportError } from '@afilnet-chat/core';
import { oauthErrorOf, tokenEndpointError } from './token-endpoint-error.js';

describe('oauthErrorOf', () => {
  it('reads the RFC 6749 §5.2 error code of a JSON body', () => {
    expect(oauthErrorOf('{"error":"invalid_client","error_description":"no"}')).toBe('invalid_client');
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
  it('keeps NETWORK but says the API request was not written', () => {
    const network = new AfilnetTransportError('NETWORK', 'reset', { mayHaveBeenSent: true });
    expect(tokenEndpointError(network, undefined, 'token')).toMatchObject({ code: 'NETWORK', mayHaveBeenSent: false });
  });

  it('calls an answer without a usable token TOKEN_ENDPOINT, with status and OAuth error', () => {
    const error = tokenEndpointError(new Error('unexpected status'), { status: 401, headers: {}, body: '{"error":"invalid_client"}' }, 'token');
    expect(error).toMatchObject({ code: 'TOKEN_ENDPOINT', httpStatus: 401, oauthError: 'invalid_client', mayHaveBeenSent: false });
    expect(error.message).toContain('invalid_client');
  });

  it('calls an over-large token answer TOKEN_ENDPOINT: it gave no usable token', () => {
    const tooLarge = new AfilnetTransportError('RESPONSE_TOO_LARGE', 'too large', { mayHaveBeenSent: true });
    expect(tokenEndpointError(tooLarge, undefined, 'token')).toMatchObject({ code: 'TOKEN_ENDPOINT', mayHaveBeenSent: false });
  });

  it('keeps only name, code and message of a foreign cause', () => {
    const original = Object.assign(new Error('bad body'), { code: 'OAUTH_INVALID_RESPONSE', cause: { body: { access_token: 'secret-token' } } });
    const error = tokenEndpointError(original, undefined, 'token');
    expect(JSON.stringify(error.cause, Object.getOwnPropertyNames(error.cause as object))).not.toContain('secret-token');
    expect(error.cause).toMatchObject({ message: 'bad body', code: 'OAUTH_INVALID_RESPONSE' });
  });
});
