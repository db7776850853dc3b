import { describe, expect, it } from 'vitest';
import { createTokenCodec } from './token-cipher.js';

const TOKEN = {
  accessToken: 'tok-secret-123',
  obtainedAt: 1_000,
  expiresAt: 61_000,
  tokenType: 'bearer' as const,
};

describe('token codec', () => {
  it('round-trips a token in plain JSON without a key', () => {
    const codec = createTokenCodec(undefined);
    expect(codec.decode('k', codec.encode('k', TOKEN))).toEqual(TOKEN);
  });

  it('seals with AES-256-GCM: the value holds no token and opens only under its key and Redis key', () => {
    const codec = createTokenCodec(Buffer.alloc(32, 1));
    const value = codec.encode('k', TOKEN);
    expect(value).not.toContain('tok-secret');
    expect(Buffer.from(value.slice(3), 'base64').toString('latin1')).not.toContain('tok-secret');
    expect(codec.encode('k', TOKEN)).not.toBe(value);
    expect(codec.decode('k', value)).toEqual(TOKEN);
    expect(codec.decode('other', value)).toBeUndefined();
    expect(createTokenCodec(Buffer.alloc(32, 2)).decode('k', value)).toBeUndefined();
    expect(createTokenCodec(undefined).decode('k', value)).toBeUndefined();
  });

  it('reads a plain value as absent when a key is set, and garbage as absent', () => {
    const sealed = createTokenCodec(Buffer.alloc(32, 1));
    expect(sealed.decode('k', createTokenCodec(undefined).encode('k', TOKEN))).toBeUndefined();
    expect(sealed.decode('k', 'g1:AAAA')).toBeUndefined();
    expect(createTokenCodec(undefined).decode('k', 'p1:{"accessToken":1}')).toBeUndefined();
  });
});
