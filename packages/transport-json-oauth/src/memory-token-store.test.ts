import { describe, expect, it } from 'vitest';
import { createMemoryTokenStore } from './memory-token-store.js';

describe('createMemoryTokenStore', () => {
  it('answers what was set, per key', async () => {
    const store = createMemoryTokenStore();
    await store.set('a', { accessToken: 'ta', obtainedAt: 0 });
    expect(await store.get('a')).toEqual({ accessToken: 'ta', obtainedAt: 0 });
    expect(await store.get('b')).toBeUndefined();
  });

  it('drops a token once it has expired', async () => {
    let now = 1000;
    const store = createMemoryTokenStore(() => now);
    await store.set('k', { accessToken: 't', obtainedAt: 1000, expiresAt: 2000 });
    now = 1999;
    expect(await store.get('k')).toBeDefined();
    now = 2000;
    expect(await store.get('k')).toBeUndefined();
  });

  it('runs the holders of one key one at a time, in order, even when one fails', async () => {
    const store = createMemoryTokenStore();
    const log: string[] = [];
    const holder =
      (name: string, fail = false) =>
      async () => {
        log.push(`${name} in`);
        await new Promise((resolve) => setTimeout(resolve, 5));
        log.push(`${name} out`);
        if (fail) throw new Error(name);
        return name;
      };
    const results = await Promise.allSettled([
      store.lock!('k', holder('a')),
      store.lock!('k', holder('b', true)),
      store.lock!('k', holder('c')),
    ]);
    expect(log).toEqual(['a in', 'a out', 'b in', 'b out', 'c in', 'c out']);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('does not make holders of different keys wait for each other', async () => {
    const store = createMemoryTokenStore();
    let release!: () => void;
    const blocked = store.lock!('a', () => new Promise<void>((resolve) => (release = resolve)));
    await expect(store.lock!('b', async () => 'b')).resolves.toBe('b');
    release();
    await blocked;
  });
});
