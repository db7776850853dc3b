/**
 * The options of `createRedisTokenStore`, checked when the store is created. Problems name the
 * option, never its value: an encryption key must not end up in a log.
 */
import { AfilnetValidationError } from '@afilnet-chat/core';
import { toValidationIssues } from '@afilnet-chat/core/transport';
import type { Cluster, Redis } from 'ioredis';
import { z } from 'zod';

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

const positiveMs = z
  .number({ error: 'must be a number of milliseconds' })
  .int('must be a whole number')
  .positive('must be positive');

const optionsSchema = z
  .object({
    redis: z.custom<RedisClient>(isRedisClient, {
      error: 'must be an ioredis client (Redis or Cluster)',
    }),
    keyPrefix: z.string({ error: 'must be a string' }).optional(),
    encryptionKey: z
      .custom<Uint8Array>((value) => value instanceof Uint8Array && value.byteLength === 32, {
        error: 'must be 32 bytes (a Buffer or Uint8Array) for AES-256-GCM',
      })
      .optional(),
    allowUnauthenticated: z.boolean({ error: 'must be a boolean' }).optional(),
    lockTtlMs: positiveMs.optional(),
    timeoutMs: positiveMs.optional(),
  })
  .strict();

/**
 * Checks the options and fills in the defaults.
 *
 * @throws {AfilnetValidationError} `INVALID_CONFIG`, listing every bad option by name; a
 *   missing `encryptionKey` is one unless `allowUnauthenticated` is `true`.
 */
export function resolveStoreOptions(options: unknown): ResolvedStoreOptions {
  const parsed = optionsSchema.safeParse(options ?? {});
  const issues = parsed.success ? [] : toValidationIssues(parsed.error.issues);
  const given = (typeof options === 'object' && options !== null ? options : {}) as Record<
    string,
    unknown
  >;
  // Unsealed values let a writer of Redis substitute tokens: only when the user says so.
  if (given.encryptionKey === undefined && given.allowUnauthenticated !== true) {
    issues.push({
      path: 'encryptionKey',
      message:
        'is required: without it, whoever can write to Redis can substitute tokens (set allowUnauthenticated: true to accept that)',
    });
  }
  if (!parsed.success || issues.length > 0) {
    throw new AfilnetValidationError('INVALID_CONFIG', 'Invalid Redis token store options', {
      issues,
    });
  }
  return {
    redis: parsed.data.redis,
    keyPrefix: parsed.data.keyPrefix ?? DEFAULT_KEY_PREFIX,
    encryptionKey: parsed.data.encryptionKey,
    lockTtlMs: parsed.data.lockTtlMs ?? DEFAULT_LOCK_TTL_MS,
    timeoutMs: parsed.data.timeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS,
  };
}
