import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEMO_ACCOUNT, SandboxState } from '../../state/sandbox-state.js';
import { NonceRegistry } from './nonce-registry.js';
import {
  CREATED_WINDOW_MS,
  decodeCanonicalBase64,
  parseCreated,
  verifyPasswordDigest,
} from './verify-password-digest.js';

describe('parseCreated', () => {
  it.each([
    ['2024-05-01T10:00:00Z', Date.UTC(2024, 4, 1, 10)],
    ['2024-05-01T10:00:00.5Z', Date.UTC(2024, 4, 1, 10, 0, 0, 500)],
    ['2024-05-01T10:00:00.123456789Z', Date.UTC(2024, 4, 1, 10, 0, 0, 123)],
    ['2024-05-01T10:00:00+00:00', Date.UTC(2024, 4, 1, 10)],
    ['2024-05-01T12:00:00.000+02:00', Date.UTC(2024, 4, 1, 10)],
  ])('reads %s', (text, ms) => {
    expect(parseCreated(text)).toBe(ms);
  });

  it.each([['2024-05-01T10:00:00'], ['2024-05-01 10:00:00Z'], ['yesterday'], ['']])(
    'refuses %j (no zone or not a dateTime)',
    (text) => {
      expect(parseCreated(text)).toBeUndefined();
    },
  );
});

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

describe('decodeCanonicalBase64', () => {
  it('decodes canonical base64 and refuses every other spelling of the same bytes', () => {
    expect(decodeCanonicalBase64('AQID')).toEqual(Buffer.from([1, 2, 3]));
    expect(decodeCanonicalBase64('AQ==')).toEqual(Buffer.from([1]));
    for (const text of [
      'AQ',
      'AR==',
      'AQ=',
      'AQ===',
      'AQ\n==',
      ' AQID',
      'AQ-_',
      'AQ__',
      'A Q I D',
    ]) {
      expect(decodeCanonicalBase64(text), JSON.stringify(text)).toBeUndefined();
    }
  });
});

describe('verifyPasswordDigest', () => {
  const state = new SandboxState([DEMO_ACCOUNT]);
  const now = Date.UTC(2024, 4, 1, 10);
  const token = (createdMs: number, nonceByte = 1, password = DEMO_ACCOUNT.password) => {
    const nonce = Buffer.alloc(16, nonceByte);
    const created = new Date(createdMs).toISOString();
    return {
      username: DEMO_ACCOUNT.user,
      password: createHash('sha1')
        .update(Buffer.concat([nonce, Buffer.from(created), Buffer.from(password)]))
        .digest('base64'),
      passwordType: undefined,
      nonce: nonce.toString('base64'),
      created,
    };
  };

  it('accepts a valid token once, and refuses its replay', () => {
    const nonces = new NonceRegistry(2 * CREATED_WINDOW_MS);
    expect(verifyPasswordDigest(state, token(now), nonces, now)).toBe(DEMO_ACCOUNT.user);
    expect(verifyPasswordDigest(state, token(now), nonces, now + 1000)).toBeUndefined();
  });

  it.each([
    ['without its padding', (nonce: string) => nonce.replace(/=+$/, '')],
    [
      'with an unused bit set',
      (nonce: string) => {
        // The last character before the padding carries 4 bits that encode nothing; set the lowest.
        const last = nonce.indexOf('=') - 1;
        return `${nonce.slice(0, last)}${BASE64[BASE64.indexOf(nonce.charAt(last)) ^ 1]}${nonce.slice(last + 1)}`;
      },
    ],
    ['with a line break in it', (nonce: string) => `${nonce.slice(0, 12)}\n${nonce.slice(12)}`],
    ['with a line break after it', (nonce: string) => `${nonce}\n`],
  ])('refuses the nonce re-encoded %s, as a replay and even when fresh', (_label, respell) => {
    const nonces = new NonceRegistry(2 * CREATED_WINDOW_MS);
    const original = token(now, 6);
    const respelled = { ...original, nonce: respell(original.nonce) };
    expect(respelled.nonce).not.toBe(original.nonce);
    expect(Buffer.from(respelled.nonce, 'base64')).toEqual(Buffer.from(original.nonce, 'base64'));
    expect(verifyPasswordDigest(state, original, nonces, now)).toBe(DEMO_ACCOUNT.user);
    expect(verifyPasswordDigest(state, respelled, nonces, now + 1000)).toBeUndefined();
    expect(
      verifyPasswordDigest(state, respelled, new NonceRegistry(2 * CREATED_WINDOW_MS), now),
    ).toBeUndefined();
  });

  it.each([
    ['5 minutes in the past', -CREATED_WINDOW_MS, true],
    ['5 minutes in the future', CREATED_WINDOW_MS, true],
    ['over 5 minutes in the past', -CREATED_WINDOW_MS - 1000, false],
    ['over 5 minutes in the future', CREATED_WINDOW_MS + 1000, false],
  ])('Created %s: accepted %s', (_label, offset, accepted) => {
    const nonces = new NonceRegistry(2 * CREATED_WINDOW_MS);
    const result = verifyPasswordDigest(state, token(now + offset), nonces, now);
    expect(result !== undefined).toBe(accepted);
  });

  it('refuses a wrong password, an unknown user, and a token without nonce', () => {
    const nonces = new NonceRegistry(2 * CREATED_WINDOW_MS);
    expect(verifyPasswordDigest(state, token(now, 2, 'wrong'), nonces, now)).toBeUndefined();
    expect(
      verifyPasswordDigest(
        state,
        { ...token(now, 3), username: 'nobody@example.com' },
        nonces,
        now,
      ),
    ).toBeUndefined();
    expect(
      verifyPasswordDigest(state, { ...token(now, 4), nonce: undefined }, nonces, now),
    ).toBeUndefined();
  });

  it('does not let a forged token burn a nonce', () => {
    const nonces = new NonceRegistry(2 * CREATED_WINDOW_MS);
    expect(verifyPasswordDigest(state, token(now, 5, 'wrong'), nonces, now)).toBeUndefined();
    expect(verifyPasswordDigest(state, token(now, 5), nonces, now)).toBe(DEMO_ACCOUNT.user);
  });
});
