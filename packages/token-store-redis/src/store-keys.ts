/**
 * The Redis key names of one client's token and lock (SPEC §11). The store key a transport
 * gives names the token endpoint, client id, scope and, for DPoP, the client's own key; it is
 * hashed so that nothing of it, secret or not, can be read from Redis.
 */
import { createHash } from 'node:crypto';

/** The two Redis keys of one store key. */
export interface StoreKeys {
  readonly token: string;
  readonly lock: string;
}

/** Names the Redis keys of `storeKey` under `prefix`. Throws nothing. */
export function storeKeys(prefix: string, storeKey: string): StoreKeys {
  const digest = createHash('sha256').update(storeKey, 'utf8').digest('base64url');
  return { token: `${prefix}token:${digest}`, lock: `${prefix}lock:${digest}` };
}
