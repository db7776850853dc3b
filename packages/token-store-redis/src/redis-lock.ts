/**
 * The cross-process single flight of a token request (SPEC §11): `SET lock owner NX PX`, kept
 * alive while its holder works, released by compare-and-delete, so that a holder never frees a
 * lock another process has taken since, and a holder that dies frees it when `PX` runs out.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RedisGuard } from './redis-guard.js';

// Both scripts act only if the lock still holds this owner's token (the pattern of
// https://redis.io/docs/latest/develop/use/patterns/distributed-locks/).
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
const EXTEND =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
// Takes the lock (-3), or says how long its holder keeps it: PTTL's ms, -1 for a lock without
// expiry (never set by a store, which always sets PX), -2 for one gone since.
const ACQUIRE =
  "if redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return -3 else return redis.call('pttl', KEYS[1]) end";
const TAKEN = -3;
const NO_EXPIRY = -1;

/** The commands the lock sends, as ioredis offers them on `Redis` and `Cluster`. */
export interface LockCommands {
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
  /** Ends the wait for a held lock (the caller's deadline is near, or it aborted). */
  readonly signal?: AbortSignal | undefined;
}

/** Why the lock was not taken: the wait ended before the holder let go. */
export class LockWaitEndedError extends Error {
  override readonly name = 'LockWaitEndedError';
}

/**
 * Runs `critical` holding the lock and answers what it answers. Waits while another process
 * holds it, until the lock's TTL runs out (a live holder extends it; a dead one's expires) or
 * `signal` fires. A lock without TTL was not set by a store (a store always sets one) and would
 * never expire: it is not waited for. The lock is released however `critical` ends; a failure
 * to release or extend is not the caller's problem (the lock then expires by itself).
 *
 * @throws {RedisUnavailableError} when Redis cannot be asked before `critical` started;
 *   {@link LockWaitEndedError} when the wait ended. The caller then goes on without the lock,
 *   and nothing of this call is left polling Redis. Once `critical` ran, only its own error is
 *   thrown.
 */
export async function withRedisLock<T>(options: RedisLockOptions, critical: () => Promise<T>): Promise<T> {
  const { redis, guard, lockKey, ttlMs, pollMs, signal } = options;
  const owner = randomUUID();
  const release = (): void => {
    redis.eval(RELEASE, 1, lockKey, owner).catch(() => undefined);
  };
  for (;;) {
    if (signal?.aborted) throw new LockWaitEndedError('the caller stopped waiting for the lock');
    let answer: unknown;
    try {
      answer = await guard.run(() => redis.eval(ACQUIRE, 1, lockKey, owner, ttlMs));
    } catch (error) {
      // A SET given up on may still run later: the release queued behind it on the same
      // connection frees whatever it took, instead of blocking the fleet for `ttlMs`.
      release();
      throw error;
    }
    if (answer === TAKEN) {
      if (!signal?.aborted) break;
      // Taken just as the caller went on without it: let the others have it at once.
      release();
      throw new LockWaitEndedError('the caller stopped waiting for the lock');
    }
    if (answer === NO_EXPIRY) throw new LockWaitEndedError('the lock has no TTL: it was not set by a token store');
    // Jitter spreads the waiters' retries once the holder lets go; none sleeps past the lock's TTL.
    const ttlLeftMs = typeof answer === 'number' && answer >= 0 ? answer : 0;
    try {
      await sleep(Math.min(ttlLeftMs + 1, pollMs + Math.random() * pollMs), undefined, signal === undefined ? undefined : { signal });
    } catch {
      throw new LockWaitEndedError('the caller stopped waiting for the lock');
    }
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
