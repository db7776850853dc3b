/**
 * The cross-process single flight of a token request: `SET lock owner NX PX`, kept alive while
 * its holder works, released by compare-and-delete, so that a holder never frees a lock another
 * process has taken since, and a holder that dies frees it when `PX` runs out (docs/fleet.md,
 * "Sharing one OAuth token across processes").
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LockScripts } from './lock-scripts.js';
import type { RedisGuard } from './redis-guard.js';

// What the acquire script answers besides a holder's PTTL.
const TAKEN = -3;
const NO_EXPIRY = -1;

/** Options of {@link withRedisLock}. */
export interface RedisLockOptions {
  /** The lock's scripts on the user's connection. */
  readonly scripts: LockScripts;
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
export async function withRedisLock<T>(
  options: RedisLockOptions,
  critical: () => Promise<T>,
): Promise<T> {
  const { scripts, guard, lockKey, ttlMs, pollMs, signal } = options;
  const owner = randomUUID();
  const release = (): void => {
    scripts.release(lockKey, owner).catch(() => undefined);
  };
  for (;;) {
    if (signal?.aborted) throw new LockWaitEndedError('the caller stopped waiting for the lock');
    let answer: unknown;
    try {
      answer = await guard.run(() => scripts.acquire(lockKey, owner, ttlMs));
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
    if (answer === NO_EXPIRY)
      throw new LockWaitEndedError('the lock has no TTL: it was not set by a token store');
    // Jitter spreads the waiters' retries once the holder lets go; none sleeps past the lock's TTL.
    const ttlLeftMs = typeof answer === 'number' && answer >= 0 ? answer : 0;
    try {
      await sleep(
        Math.min(ttlLeftMs + 1, pollMs + Math.random() * pollMs),
        undefined,
        signal === undefined ? undefined : { signal },
      );
    } catch {
      throw new LockWaitEndedError('the caller stopped waiting for the lock');
    }
  }
  const keepAlive = setInterval(() => {
    scripts.extend(lockKey, owner, ttlMs).catch(() => undefined);
  }, ttlMs / 3);
  keepAlive.unref();
  try {
    return await critical();
  } finally {
    clearInterval(keepAlive);
    release();
  }
}
