/**
 * The options of `createRedisTokenStore`, checked when the store is created. Problems name the
 * option, never its value: an encryption key must not end up in a log.
 */
import { OptionChecks } from '@afilnet-chat/core/transport';
import type { Cluster, Redis } from 'ioredis';

/** The connection a store uses: an ioredis `Redis` or `Cluster`, which the store never closes. */
export type RedisClient = Redis | Cluster;

/** Options of `createRedisTokenStore`. */
export interface RedisTokenStoreOptions {
  /** The user's ioredis connection; the store sends commands on it and never closes it. */
  readonly redis: RedisClient;
  /** Put before every key the store writes (`afilnet-chat:`). */
  readonly keyPrefix?: string;
  /**
   * 32 bytes, required unless `allowUnauthenticated`: tokens are sealed with AES-256-GCM before
   * they reach Redis, the Redis key as additional data, so a reader of the Redis data without
   * this key gets no usable token, and a writer cannot substitute one (a value altered or moved
   * from another key is ignored, and the client fetches its own token). Key names are HMACs
   * under a key derived from it. Every process sharing tokens needs the same key; a process with
   * another key reads nothing and fetches its own tokens.
   */
  readonly encryptionKey?: Uint8Array;
  /**
   * Store tokens as plain JSON without `encryptionKey`, accepting that anyone who can read Redis
   * can use them and anyone who can write it can make clients use a token of their choosing
   * (send as another account). Only for a Redis no one else can reach. Ignored with a key.
   * @defaultValue false
   */
  readonly allowUnauthenticated?: boolean;
  /**
   * How long a token request holds the fleet's lock before another process may take over, in ms
   * (10,000). A live holder keeps extending it; a holder that died frees it after this long.
   */
  readonly lockTtlMs?: number;
  /**
   * The longest a Redis command may take before the client goes on without Redis, in ms (250).
   */
  readonly timeoutMs?: number;
}

/** {@link RedisTokenStoreOptions} with the defaults filled in. */
export interface ResolvedStoreOptions {
  readonly redis: RedisClient;
  readonly keyPrefix: string;
  readonly encryptionKey: Uint8Array | undefined;
  readonly lockTtlMs: number;
  readonly timeoutMs: number;
}

/** Default of {@link RedisTokenStoreOptions.keyPrefix}. */
export const DEFAULT_KEY_PREFIX = 'afilnet-chat:';
/** Default of {@link RedisTokenStoreOptions.lockTtlMs}. */
export const DEFAULT_LOCK_TTL_MS = 10_000;
/** Default of {@link RedisTokenStoreOptions.timeoutMs}: a Redis slower than 250 ms counts as down. */
export const DEFAULT_REDIS_TIMEOUT_MS = 250;

function isRedisClient(value: unknown): value is RedisClient {
  if (typeof value !== 'object' || value === null) return false;
  const client = value as Record<string, unknown>;
  return (
    typeof client.get === 'function' &&
    typeof client.set === 'function' &&
    typeof client.defineCommand === 'function' &&
    typeof client.status === 'string'
  );
}

const OPTION_NAMES = [
  'redis',
  'keyPrefix',
  'encryptionKey',
  'allowUnauthenticated',
  'lockTtlMs',
  'timeoutMs',
] as const;

const REDIS_CLIENT = 'must be an ioredis client (Redis or Cluster)';

/**
 * Checks the options and fills in the defaults.
 *
 * @throws {AfilnetValidationError} `INVALID_CONFIG`, listing every bad option by name; a
 *   missing `encryptionKey` is one unless `allowUnauthenticated` is `true`.
 */
export function resolveStoreOptions(options: unknown): ResolvedStoreOptions {
  const checks = new OptionChecks(options ?? {}, 'Redis token store')
    .onlyKnown(OPTION_NAMES)
    .required('redis', REDIS_CLIENT)
    .custom('redis', isRedisClient, REDIS_CLIENT)
    .string('keyPrefix')
    .custom(
      'encryptionKey',
      (value) => value instanceof Uint8Array && value.byteLength === 32,
      'must be 32 bytes (a Buffer or Uint8Array) for AES-256-GCM',
    )
    .boolean('allowUnauthenticated')
    .integer('lockTtlMs', 'milliseconds')
    .integer('timeoutMs', 'milliseconds');
  // Unsealed values let a writer of Redis substitute tokens: only when the user says so.
  if (checks.value('encryptionKey') === undefined && checks.value('allowUnauthenticated') !== true)
    checks.problem(
      'encryptionKey',
      'is required: without it, whoever can write to Redis can substitute tokens (set allowUnauthenticated: true to accept that)',
    );
  checks.done();
  const given = options as RedisTokenStoreOptions;
  return {
    redis: given.redis,
    keyPrefix: given.keyPrefix ?? DEFAULT_KEY_PREFIX,
    encryptionKey: given.encryptionKey,
    lockTtlMs: given.lockTtlMs ?? DEFAULT_LOCK_TTL_MS,
    timeoutMs: given.timeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS,
  };
}
