/**
 * How a token is written as a Redis value: JSON, sealed with AES-256-GCM when the store has an
 * encryption key (NIST SP 800-38D), so that a reader of the Redis data without the key learns
 * nothing usable.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { StoredToken } from '@afilnet-chat/core';

const PLAIN = 'p1:';
const SEALED = 'g1:';
// A fresh 96-bit nonce per value (SP 800-38D §8.2.2: random nonces, far below 2^32 per key).
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Turns tokens into Redis values and back. */
export interface TokenCodec {
  /** The value to store under `redisKey`. */
  encode(redisKey: string, token: StoredToken): string;
  /** The token a value holds, or `undefined` for a value this codec cannot read or trust. */
  decode(redisKey: string, value: string): StoredToken | undefined;
}

function readToken(json: string): StoredToken | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { accessToken, obtainedAt, expiresAt, tokenType } = parsed as Record<string, unknown>;
  if (typeof accessToken !== 'string' || typeof obtainedAt !== 'number') return undefined;
  if (expiresAt !== undefined && typeof expiresAt !== 'number') return undefined;
  if (tokenType !== undefined && tokenType !== 'bearer' && tokenType !== 'dpop') return undefined;
  return {
    accessToken,
    obtainedAt,
    ...(expiresAt === undefined ? {} : { expiresAt }),
    ...(tokenType === undefined ? {} : { tokenType }),
  };
}

function writeToken(token: StoredToken): string {
  const { accessToken, obtainedAt, expiresAt, tokenType } = token;
  return JSON.stringify({ accessToken, obtainedAt, expiresAt, tokenType });
}

/**
 * Creates the codec of a store: sealed values with `encryptionKey` (32 bytes), plain JSON without.
 * The Redis key is the sealed value's additional data, so a value copied under another key does
 * not open. A store with a key never accepts a plain value, and a value sealed with another key
 * reads as absent: the client then fetches a token of its own. Throws nothing.
 */
export function createTokenCodec(encryptionKey: Uint8Array | undefined): TokenCodec {
  if (encryptionKey === undefined) {
    return {
      encode: (_redisKey, token) => PLAIN + writeToken(token),
      decode: (_redisKey, value) =>
        value.startsWith(PLAIN) ? readToken(value.slice(PLAIN.length)) : undefined,
    };
  }
  const key = Buffer.from(encryptionKey);
  return {
    encode(redisKey, token) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(redisKey, 'utf8'));
      const sealed = Buffer.concat([cipher.update(writeToken(token), 'utf8'), cipher.final()]);
      return SEALED + Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64');
    },
    decode(redisKey, value) {
      if (!value.startsWith(SEALED)) return undefined;
      const bytes = Buffer.from(value.slice(SEALED.length), 'base64');
      if (bytes.length <= IV_BYTES + TAG_BYTES) return undefined;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
        decipher.setAAD(Buffer.from(redisKey, 'utf8'));
        decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        const json = Buffer.concat([
          decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)),
          decipher.final(),
        ]);
        return readToken(json.toString('utf8'));
      } catch {
        return undefined;
      }
    },
  };
}
