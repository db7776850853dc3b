/**
 * `@afilnet-chat/token-store-redis`: OAuth access tokens shared by a fleet of processes through
 * Redis, over the user's ioredis connection (docs/fleet.md).
 */
export { createRedisTokenStore } from './create-redis-token-store.js';
export {
  DEFAULT_KEY_PREFIX,
  DEFAULT_LOCK_TTL_MS,
  DEFAULT_REDIS_TIMEOUT_MS,
  type RedisClient,
  type RedisTokenStoreOptions,
} from './redis-token-store-options.js';
export type { StoredToken, TokenStore } from '@afilnet-chat/core';
