/**
 * The cross-process single flight of a token request (SPEC §11): `SET lock owner NX PX`, kept
 * alive while its holder works, released by compare-and-delete, so that a holder never frees a
 * lock another process has taken since, and a holder that dies frees it when `PX` runs out.
 */
import { randomUUID } from 'node:crypto';
import type { RedisGuard } from './redis-guard.js';

// Both scripts act only if the lock still holds this owner's token (the pattern of
// https://redis.io/docs/latest/develop/use/patterns/distributed-locks/).
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
const EXTEND =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";

/** The commands the lock sends, as ioredis offers them on `Redis` and `Cluster`. */
export interface LockCommands {
  set(key: string, value: string, px: 'PX', ms: number, nx: 'NX'): Promise<'OK' | null>;
  eval(script: string, keys: number, ...args: Array<string | number>): Promise<unknown>;
}

/** Options of {@link withRedisLock}. */
export interface RedisLockOptions {
  readonly redis: LockCommands;
  readonly guard: RedisGuard;
  readonly lockKey: string;
  /** The lock's `PX`: how long a dead holder blocks the others. */
  readonly ttlMs: number;
  /** The wait between two attempts to take a held lock. */
  readonly pollMs: number;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Runs `critical` holding the lock and answers what it answers. Waits while another process
 * holds it. The lock is released however `critical` ends; a failure to release or extend is
 * not the caller's problem (the lock then expires by itself).
 *
 * @throws {RedisUnavailableError} when Redis cannot be asked before `critical` started; the
 *   caller then goes on without the lock. Once `critical` ran, only its own error is thrown.
 */
export async function withRedisLock<T>(options: RedisLockOptions, critical: () => Promise<T>): Promise<T> {
  const { redis, guard, lockKey, ttlMs, pollMs } = options;
  const owner = randomUUID();
  const release = (): void => {
    redis.eval(RELEASE, 1, lockKey, owner).catch(() => undefined);
  };
  for (;;) {
    let taken: 'OK' | null;
    try {
      taken = await guard.run(() => redis.set(lockKey, owner, 'PX', ttlMs, 'NX'));
    } catch (error) {
      // A SET given up on may still run later: the release queued behind it on the same
      // connection frees whatever it took, instead of blocking the fleet for `ttlMs`.
      release();
      throw error;
    }
    if (taken === 'OK') break;
    // Jitter spreads the waiters' retries once the holder lets go.
    await sleep(pollMs + Math.random() * pollMs);
  }
  const keepAlive = setInterval(() => {
    redis.eval(EXTEND, 1, lockKey, owner, ttlMs).catch(() => undefined);
  }, ttlMs / 3);
  keepAlive.unref();
  try {
    return await critical();
  } finally {
    clearInterval(keepAlive);
    release();
  }
}
