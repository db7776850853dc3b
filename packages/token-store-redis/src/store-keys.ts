/**
 * The Redis key names of one client's token and lock. The store key a transport gives names the
 * token endpoint, client id, scope, API origin and a fingerprint of the secret; it is hashed so
 * that nothing of it can be read from Redis. With an encryption key the hash is keyed (HMAC,
 * RFC 2104), so that a reader of Redis cannot even confirm a guess of which accounts are in use.
 */
import { createHash, createHmac, hkdfSync } from 'node:crypto';

/** The two Redis keys of one store key. */
export interface StoreKeys {
  readonly token: string;
  readonly lock: string;
}

/** Names the Redis keys of store keys under `prefix`. */
export type KeyNamer = (storeKey: string) => StoreKeys;

/**
 * Creates the namer of a store: HMAC-SHA-256 under a key derived from `encryptionKey` (HKDF,
 * RFC 5869, so that the key that seals values is not used for anything else), or a plain
 * SHA-256 without one. Throws nothing.
 */
export function createKeyNamer(prefix: string, encryptionKey: Uint8Array | undefined): KeyNamer {
  const nameKey =
    encryptionKey === undefined
      ? undefined
      : Buffer.from(
          hkdfSync(
            'sha256',
            encryptionKey,
            new Uint8Array(0),
            'afilnet-chat token-store key names',
            32,
          ),
        );
  return (storeKey) => {
    const hash = nameKey === undefined ? createHash('sha256') : createHmac('sha256', nameKey);
    const digest = hash.update(storeKey, 'utf8').digest('base64url');
    return { token: `${prefix}token:${digest}`, lock: `${prefix}lock:${digest}` };
  };
}
