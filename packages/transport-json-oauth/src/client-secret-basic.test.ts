import { describe, expect, it } from 'vitest';
import { clientSecretBasic, clientSecretBasicHeader } from './client-secret-basic.js';

const decoded = (header: string) =>
  Buffer.from(header.replace(/^Basic /, ''), 'base64').toString('utf8');

describe('client_secret_basic (RFC 6749 §2.3.1)', () => {
  it('form-encodes the id before base64: demo@example.com travels as demo%40example.com', () => {
    expect(clientSecretBasicHeader('demo@example.com', 'demo-password')).toBe(
      'Basic ZGVtbyU0MGV4YW1wbGUuY29tOmRlbW8tcGFzc3dvcmQ=',
    );
  });

  it('encodes space as +, and : % + and non-ASCII as UTF-8 %XX, so the first : splits id from secret', () => {
    expect(decoded(clientSecretBasicHeader('a b:c', 'p+q%r é'))).toBe('a+b%3Ac:p%2Bq%25r+%C3%A9');
  });

  it('keeps alphanumerics and *-._ as they are', () => {
    expect(decoded(clientSecretBasicHeader('Az09*-._', 'x'))).toBe('Az09*-._:x');
  });

  it('sets the header through oauth4webapi client authentication, leaving the body alone', async () => {
    const headers = new Headers();
    const body = new URLSearchParams({ grant_type: 'client_credentials' });
    await clientSecretBasic('s3cret')(
      { issuer: 'https://as.example' },
      { client_id: 'id' },
      body,
      headers,
    );
    expect(headers.get('authorization')).toBe(clientSecretBasicHeader('id', 's3cret'));
    expect(body.toString()).toBe('grant_type=client_credentials');
  });
});
