import { describe, expect, it } from 'vitest';
import { RedisGuard, RedisUnavailableError } from './redis-guard.js';

const never = () => new Promise<string>(() => undefined);

describe('RedisGuard', () => {
  it('answers what a prompt command answers', async () => {
    const guard = new RedisGuard({ status: 'ready' }, 50, 200);
    await expect(guard.run(async () => 'PONG')).resolves.toBe('PONG');
  });

  it('gives up on a slow command at the deadline, then fails at once for the pause', async () => {
    const guard = new RedisGuard({ status: 'ready' }, 50, 200);
    const started = performance.now();
    await expect(guard.run(never)).rejects.toBeInstanceOf(RedisUnavailableError);
    expect(performance.now() - started).toBeLessThan(1_000);
    let ran = false;
    await expect(
      guard.run(async () => {
        ran = true;
        return 'x';
      }),
    ).rejects.toThrow(/paused/);
    expect(ran).toBe(false);
    await new Promise((r) => setTimeout(r, 220));
    await expect(guard.run(async () => 'back')).resolves.toBe('back');
  });

  it('fails at once on a closed or reconnecting connection, and keeps a failed command as cause', async () => {
    await expect(new RedisGuard({ status: 'reconnecting' }, 50, 0).run(never)).rejects.toThrow(
      /reconnecting/,
    );
    const failure = new Error('ECONNREFUSED');
    const error = await new RedisGuard({ status: 'ready' }, 50, 0)
      .run(() => Promise.reject(failure))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisUnavailableError);
    expect((error as Error).cause).toBe(failure);
  });
});
