/**
 * A {@link TokenStore} on Redis: every process sharing the Redis makes one token request per token
 * lifetime between them (docs/fleet.md, "Sharing one OAuth token across processes").
 */
import type { StoredToken, TokenStore } from '@afilnet-chat/core';
import { RedisGuard } from './redis-guard.js';
import { defineLockScripts, type ScriptHost } from './lock-scripts.js';
import { withRedisLock } from './redis-lock.js';
import { resolveStoreOptions, type RedisTokenStoreOptions } from './redis-token-store-options.js';
import { createKeyNamer } from './store-keys.js';
import { createTokenCodec } from './token-cipher.js';

// After Redis failed or was slow, how long the store leaves it alone: long enough not to add
// a timeout to every call while it is down, short enough to share tokens again soon after.
const PAUSE_AFTER_FAILURE_MS = 1_000;
// How often a waiter tries the lock again (plus as much jitter).
const LOCK_POLL_MS = 20;

/**
 * The commands the store sends. ioredis's `Redis` and `Cluster` have them; typing them here
 * keeps the store off ioredis's many overloads.
 */
interface StoreCommands extends ScriptHost {
  readonly status: string;
  get(key: string): Promise<string | null>;
  set(key: string, value: string, px: 'PX', ms: number): Promise<'OK' | null>;
  set(key: string, value: string): Promise<'OK' | null>;
}

/**
 * Creates a token store on the user's ioredis connection, for `oauth.tokenStore` of the
 * json-oauth transport.
 *
 * - `lock` is `SET NX PX` with an owner token, kept alive while the token request runs and
 *   released by a compare-and-delete script; waiters take the lock in turn and re-read the token
 *   the holder stored. A holder that dies frees the lock after `lockTtlMs`. A waiter waits no
 *   longer than `lockTtlMs` (a lock pinned without expiry blocks no one) nor past the caller's
 *   signal (half its deadline, or its abort); the client then fetches its own token.
 * - Keys are `keyPrefix` + `token:` or `lock:` + a hash of the client's store key (token
 *   endpoint, client id, scope, API origin, secret fingerprint): no secret, nor anything else,
 *   can be read from them. With `encryptionKey` the hash is an HMAC (RFC 2104) under a key
 *   derived from it, so a reader of Redis cannot confirm which accounts are in use.
 * - Values are sealed with AES-256-GCM under `encryptionKey`, the Redis key as additional data
 *   (NIST SP 800-38D): a value altered or moved from another key reads as absent, and the client
 *   fetches its own token. Plain JSON only with `allowUnauthenticated: true` and no key. A token
 *   is stored with a TTL ending at its expiry.
 * - When Redis is down, refuses or takes longer than `timeoutMs`, every method rejects or gives
 *   up within `timeoutMs`, and the transport then fetches its own token: no call fails because
 *   of Redis.
 * - The store never closes the connection: `close()` of a client leaves it to its owner. It adds
 *   the lock's three Lua scripts to it as commands named `afilnetChat…` (ioredis's
 *   `defineCommand`, once per connection however many stores share it), which ioredis sends as
 *   EVALSHA after the first call on each socket.
 *
 * @throws {AfilnetValidationError} `INVALID_CONFIG` naming each bad option (never its value):
 *   `redis` not an ioredis client, `encryptionKey` missing (without `allowUnauthenticated: true`)
 *   or not 32 bytes, a bad number or unknown option.
 * @see https://redis.io/docs/latest/commands/set/ (NX, PX)
 * @see https://redis.io/docs/latest/develop/use/patterns/distributed-locks/
 */
export function createRedisTokenStore(options: RedisTokenStoreOptions): TokenStore {
  const resolved = resolveStoreOptions(options);
  const redis = resolved.redis as unknown as StoreCommands;
  const guard = new RedisGuard(redis, resolved.timeoutMs, PAUSE_AFTER_FAILURE_MS);
  const scripts = defineLockScripts(redis);
  const codec = createTokenCodec(resolved.encryptionKey);
  const storeKeys = createKeyNamer(resolved.keyPrefix, resolved.encryptionKey);

  return {
    async get(key) {
      const keys = storeKeys(key);
      const value = await guard.run(() => redis.get(keys.token));
      if (value === null) return undefined;
      const token = codec.decode(keys.token, value);
      if (token?.expiresAt !== undefined && Date.now() >= token.expiresAt) return undefined;
      return token;
    },
    async set(key: string, token: StoredToken) {
      const keys = storeKeys(key);
      const value = codec.encode(keys.token, token);
      if (token.expiresAt === undefined) {
        await guard.run(() => redis.set(keys.token, value));
        return;
      }
      const ttlMs = Math.ceil(token.expiresAt - Date.now());
      if (ttlMs > 0) await guard.run(() => redis.set(keys.token, value, 'PX', ttlMs));
    },
    lock(key, critical, lockOptions) {
      const lockKey = storeKeys(key).lock;
      return withRedisLock(
        {
          scripts,
          guard,
          lockKey,
          ttlMs: resolved.lockTtlMs,
          pollMs: LOCK_POLL_MS,
          signal: lockOptions?.signal,
        },
        critical,
      );
    },
  };
}
