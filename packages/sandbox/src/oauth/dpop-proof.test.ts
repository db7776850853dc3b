import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { DpopProofVerifier } from './dpop-proof.js';

const URL_ = 'http://127.0.0.1:1/api/json/';

async function keyPair() {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { privateKey, jwk: await exportJWK(publicKey), privateJwk: await exportJWK(privateKey) };
}

/** A proof made with jose, an implementation independent of the verifier's. */
async function proof(
  key: Awaited<ReturnType<typeof keyPair>>,
  claims: Record<string, unknown> = {},
  header: { jwk?: JWK; typ?: string } = {},
): Promise<string> {
  return new SignJWT({
    htm: 'POST',
    htu: URL_,
    jti: crypto.randomUUID(),
    iat: Math.floor(Date.now() / 1000),
    ...claims,
  })
    .setProtectedHeader({ alg: 'ES256', typ: header.typ ?? 'dpop+jwt', jwk: header.jwk ?? key.jwk })
    .sign(key.privateKey);
}

describe('DpopProofVerifier (RFC 9449 §4.3)', () => {
  it('accepts a valid proof and answers its key thumbprint (RFC 7638)', async () => {
    const key = await keyPair();
    const verifier = new DpopProofVerifier();
    expect(verifier.verify(await proof(key), { method: 'POST', url: URL_ })).toBe(
      await calculateJwkThumbprint(key.jwk),
    );
  });

  it('binds a resource request proof to the token by ath', async () => {
    const key = await keyPair();
    const ath = createHash('sha256').update('the-token').digest('base64url');
    const verifier = new DpopProofVerifier();
    expect(
      verifier.verify(await proof(key, { ath }), {
        method: 'POST',
        url: URL_,
        accessToken: 'the-token',
      }),
    ).toBeDefined();
    expect(
      verifier.verify(await proof(key, { ath }), {
        method: 'POST',
        url: URL_,
        accessToken: 'other-token',
      }),
    ).toBeUndefined();
    expect(
      verifier.verify(await proof(key), { method: 'POST', url: URL_, accessToken: 'the-token' }),
    ).toBeUndefined();
  });

  it('refuses a replayed proof', async () => {
    const key = await keyPair();
    const verifier = new DpopProofVerifier();
    const once = await proof(key);
    expect(verifier.verify(once, { method: 'POST', url: URL_ })).toBeDefined();
    expect(verifier.verify(once, { method: 'POST', url: URL_ })).toBeUndefined();
  });

  it.each([
    ['another method', { htm: 'GET' }],
    ['another URL', { htu: 'http://127.0.0.1:1/api/oauth/token' }],
    ['an iat 2 minutes old', { iat: Math.floor(Date.now() / 1000) - 120 }],
    ['an iat 2 minutes ahead', { iat: Math.floor(Date.now() / 1000) + 120 }],
    ['no jti', { jti: undefined }],
  ])('refuses a proof with %s', async (_label, claims) => {
    const key = await keyPair();
    expect(
      new DpopProofVerifier().verify(await proof(key, claims), { method: 'POST', url: URL_ }),
    ).toBeUndefined();
  });

  it('refuses a proof carrying a private key, a wrong typ, a tampered signature, or none at all', async () => {
    const key = await keyPair();
    const verifier = new DpopProofVerifier();
    const expected = { method: 'POST', url: URL_ };
    expect(
      verifier.verify(await proof(key, {}, { jwk: key.privateJwk }), expected),
    ).toBeUndefined();
    expect(verifier.verify(await proof(key, {}, { typ: 'JWT' }), expected)).toBeUndefined();
    const other = await keyPair();
    expect(verifier.verify(await proof(key, {}, { jwk: other.jwk }), expected)).toBeUndefined();
    const [h, p] = (await proof(key)).split('.');
    expect(verifier.verify(`${h}.${p}.`, expected)).toBeUndefined();
    expect(verifier.verify(undefined, expected)).toBeUndefined();
    expect(verifier.verify('not-a-jwt', expected)).toBeUndefined();
  });
});
