import { describe, expect, it } from 'vitest';
import { readClientCredentials } from './client-credentials.js';

const basic = (raw: string) => ({
  authorization: `Basic ${Buffer.from(raw, 'utf8').toString('base64')}`,
});
const none = new Map<string, string>();

describe('readClientCredentials (RFC 6749 §2.3.1)', () => {
  it('form-decodes id and secret of client_secret_basic: demo%40example.com is demo@example.com', () => {
    expect(readClientCredentials(basic('demo%40example.com:demo-password'), none)).toEqual({
      kind: 'credentials',
      method: 'client_secret_basic',
      clientId: 'demo@example.com',
      clientSecret: 'demo-password',
    });
  });

  it('decodes + as space and %3A as a colon inside the id', () => {
    expect(readClientCredentials(basic('a+b%3Ac:p%2Bq+%C3%A9'), none)).toMatchObject({
      clientId: 'a b:c',
      clientSecret: 'p+q é',
    });
  });

  it('reads client_secret_post from the form', () => {
    const fields = new Map([
      ['client_id', 'demo@example.com'],
      ['client_secret', 'demo-password'],
    ]);
    expect(readClientCredentials({}, fields)).toEqual({
      kind: 'credentials',
      method: 'client_secret_post',
      clientId: 'demo@example.com',
      clientSecret: 'demo-password',
    });
  });

  it('refuses two methods at once', () => {
    expect(readClientCredentials(basic('a:b'), new Map([['client_secret', 'b']]))).toEqual({
      kind: 'ambiguous',
    });
  });

  it.each([
    ['no credentials', {}, { kind: 'none', usedHeader: false }],
    ['a Bearer header', { authorization: 'Bearer abc' }, { kind: 'none', usedHeader: true }],
    ['Basic without a colon', basic('nocolon'), { kind: 'none', usedHeader: true }],
    ['Basic with a broken escape', basic('a%zz:b'), { kind: 'none', usedHeader: true }],
    ['Basic with an empty secret', basic('a:'), { kind: 'none', usedHeader: true }],
  ])('finds none in %s', (_label, headers, expected) => {
    expect(readClientCredentials(headers, none)).toEqual(expected);
  });
});
