import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodeUsernameToken } from './encode-username-token.js';
import { passwordDigest } from './password-digest.js';

describe('passwordDigest (UsernameToken Profile 1.0 §3.1)', () => {
  it('hashes the raw nonce bytes, then Created, then the password', () => {
    const nonce = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
    const created = '2024-05-01T10:00:00Z';
    const manual = createHash('sha1')
      .update(Buffer.concat([nonce, Buffer.from(created), Buffer.from('pässword', 'utf8')]))
      .digest('base64');
    expect(passwordDigest(nonce, created, 'pässword')).toBe(manual);
  });

  it('matches the profile example inputs hashed by hand', () => {
    // Not the base64 text of the nonce: hashing that would give another value.
    const nonce = Buffer.from('WScqanjCEAC4mQoBE07sAQ==', 'base64');
    const wrong = createHash('sha1')
      .update('WScqanjCEAC4mQoBE07sAQ==2003-07-16T01:24:32Zsecret')
      .digest('base64');
    expect(passwordDigest(nonce, '2003-07-16T01:24:32Z', 'secret')).not.toBe(wrong);
  });

  it('matches a vector computed by another implementation', () => {
    // Python: base64(sha1(b64decode(nonce) + created.encode() + 'pässword'.encode('utf-8'))).
    const nonce = Buffer.from('WScqanjCEAC4mQoBE07sAQ==', 'base64');
    expect(passwordDigest(nonce, '2003-07-16T01:24:32Z', 'pässword')).toBe(
      'jX2T0vpJHlyMIw1OgO0283mGeaQ=',
    );
  });
});

describe('encodeUsernameToken', () => {
  it('escapes the user and password of a PasswordText token', () => {
    const xml = encodeUsernameToken({ user: 'a&b<c', password: `p"'>` });
    expect(xml).toContain('<wsse:Username>a&amp;b&lt;c</wsse:Username>');
    expect(xml).toContain('#PasswordText">p&quot;&apos;&gt;</wsse:Password>');
  });

  it('never writes the password in a digest token', () => {
    const xml = encodeUsernameToken(
      { user: 'u', password: 'the-password' },
      { nonce: new Uint8Array(16), created: '2024-05-01T10:00:00.000Z' },
    );
    expect(xml).not.toContain('the-password');
    expect(xml).toContain('<wsu:Created>2024-05-01T10:00:00.000Z</wsu:Created>');
    expect(xml).toContain('>AAAAAAAAAAAAAAAAAAAAAA==</wsse:Nonce>');
  });
});
