import { describe, expect, it } from 'vitest';
import { AfilnetTransportError, type StoredToken } from '@afilnet-chat/core';
import { createMemoryTokenStore } from './memory-token-store.js';
import { TokenCache, type TokenFetcher } from './token-cache.js';

/** A token endpoint under the test's control: each request waits until the test settles it. */
function controlledEndpoint() {
  const pending: Array<{
    signal: AbortSignal;
    resolve: (t: StoredToken) => void;
    reject: (e: unknown) => void;
  }> = [];
  let issued = 0;
  const fetchToken: TokenFetcher = (signal) =>
    new Promise<StoredToken>((resolve, reject) => {
      pending.push({ signal, resolve, reject });
      signal.addEventListener(
        'abort',
        () => reject(new AfilnetTransportError('ABORTED', 'aborted')),
        { once: true },
      );
    });
  return {
    fetchToken,
    pending,
    get requests() {
      return pending.length;
    },
    answer(index: number, lifetimeSeconds = 3600, obtainedAt = Date.now()) {
      issued += 1;
      const token = {
        accessToken: `token-${issued}`,
        obtainedAt,
        expiresAt: obtainedAt + lifetimeSeconds * 1000,
      };
      pending[index]?.resolve(token);
      return token;
    },
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));
const live = () => new AbortController().signal;

function newCache(now?: () => number) {
  return new TokenCache({ store: createMemoryTokenStore(now), key: 'k', ...(now ? { now } : {}) });
}

describe('TokenCache', () => {
  it('makes exactly one token request for 100 concurrent callers, and gives them all its token', async () => {
    const endpoint = controlledEndpoint();
    const cache = newCache();
    const callers = Array.from({ length: 100 }, () => cache.token(live(), endpoint.fetchToken));
    await tick();
    expect(endpoint.requests).toBe(1);
    const token = endpoint.answer(0);
    const got = await Promise.all(callers);
    expect(new Set(got.map((t) => t.accessToken))).toEqual(new Set([token.accessToken]));
    await cache.token(live(), endpoint.fetchToken);
    expect(endpoint.requests).toBe(1);
  });

  it('gives a failed token request to every waiter, and the next call tries again', async () => {
    const endpoint = controlledEndpoint();
    const cache = newCache();
    const callers = Array.from({ length: 10 }, () => cache.token(live(), endpoint.fetchToken));
    await tick();
    const failure = new AfilnetTransportError('TOKEN_ENDPOINT', 'refused', {
      oauthError: 'invalid_client',
    });
    endpoint.pending[0]?.reject(failure);
    const outcomes = await Promise.allSettled(callers);
    expect(outcomes.every((o) => o.status === 'rejected' && o.reason === failure)).toBe(true);

    const retry = cache.token(live(), endpoint.fetchToken);
    await tick();
    expect(endpoint.requests).toBe(2);
    endpoint.answer(1);
    await expect(retry).resolves.toMatchObject({ accessToken: 'token-1' });
  });

  it('does not let the first caller abort the token request the others wait for', async () => {
    const endpoint = controlledEndpoint();
    const cache = newCache();
    const first = new AbortController();
    const firstCall = cache.token(first.signal, endpoint.fetchToken);
    const secondCall = cache.token(live(), endpoint.fetchToken);
    await tick();
    first.abort(new Error('caller gave up'));
    await expect(firstCall).rejects.toMatchObject({ code: 'ABORTED', mayHaveBeenSent: false });
    expect(endpoint.pending[0]?.signal.aborted).toBe(false);
    endpoint.answer(0);
    await expect(secondCall).resolves.toMatchObject({ accessToken: 'token-1' });
  });

  it('aborts the token request once every waiter has given up, and starts anew for the next call', async () => {
    const endpoint = controlledEndpoint();
    const cache = newCache();
    const a = new AbortController();
    const b = new AbortController();
    const calls = [
      cache.token(a.signal, endpoint.fetchToken),
      cache.token(b.signal, endpoint.fetchToken),
    ];
    await tick();
    a.abort();
    expect(endpoint.pending[0]?.signal.aborted).toBe(false);
    b.abort();
    expect(endpoint.pending[0]?.signal.aborted).toBe(true);
    await Promise.allSettled(calls);

    const next = cache.token(live(), endpoint.fetchToken);
    await tick();
    expect(endpoint.requests).toBe(2);
    endpoint.answer(1);
    await expect(next).resolves.toMatchObject({ accessToken: 'token-1' });
  });

  it('refuses at once a caller whose signal has already fired, without a token request', async () => {
    const endpoint = controlledEndpoint();
    await expect(newCache().token(AbortSignal.abort(), endpoint.fetchToken)).rejects.toMatchObject({
      code: 'ABORTED',
    });
    expect(endpoint.requests).toBe(0);
  });

  it('renews early: reuses a token until 60 s before expiry, then asks again', async () => {
    let now = 1_000_000;
    const endpoint = controlledEndpoint();
    const cache = newCache(() => now);
    const first = cache.token(live(), endpoint.fetchToken);
    await tick();
    endpoint.answer(0, 3600, now);
    await first;

    now += 3539_000;
    await expect(cache.token(live(), endpoint.fetchToken)).resolves.toMatchObject({
      accessToken: 'token-1',
    });
    expect(endpoint.requests).toBe(1);

    now += 1000;
    const renewed = cache.token(live(), endpoint.fetchToken);
    await tick();
    expect(endpoint.requests).toBe(2);
    endpoint.answer(1, 3600, now);
    await expect(renewed).resolves.toMatchObject({ accessToken: 'token-2' });
  });

  it('renews a short-lived token at half its lifetime', async () => {
    let now = 5_000;
    const endpoint = controlledEndpoint();
    const cache = newCache(() => now);
    const first = cache.token(live(), endpoint.fetchToken);
    await tick();
    endpoint.answer(0, 10, now);
    await first;
    now += 4_999;
    await cache.token(live(), endpoint.fetchToken);
    expect(endpoint.requests).toBe(1);
    now += 1;
    void cache.token(live(), endpoint.fetchToken);
    await tick();
    expect(endpoint.requests).toBe(2);
    endpoint.answer(1, 10, now);
  });

  it('after N concurrent refusals of one token, makes one token request and never hands that token out again', async () => {
    const endpoint = controlledEndpoint();
    const cache = newCache();
    const initial = cache.token(live(), endpoint.fetchToken);
    await tick();
    const refused = endpoint.answer(0);
    await initial;

    const retries = Array.from({ length: 20 }, () =>
      cache.token(live(), endpoint.fetchToken, refused.accessToken),
    );
    await tick();
    expect(endpoint.requests).toBe(2);
    const fresh = endpoint.answer(1);
    const got = await Promise.all(retries);
    expect(got.every((t) => t.accessToken === fresh.accessToken)).toBe(true);
    await expect(cache.token(live(), endpoint.fetchToken)).resolves.toMatchObject({
      accessToken: fresh.accessToken,
    });
    expect(endpoint.requests).toBe(2);
  });

  it('shares a token between caches of one store: one token request for both, even at once', async () => {
    const store = createMemoryTokenStore();
    const endpoint = controlledEndpoint();
    const one = new TokenCache({ store, key: 'shared' });
    const two = new TokenCache({ store, key: 'shared' });
    const calls = [one.token(live(), endpoint.fetchToken), two.token(live(), endpoint.fetchToken)];
    await tick();
    expect(endpoint.requests).toBe(1);
    const token = endpoint.answer(0);
    const got = await Promise.all(calls);
    expect(got.map((t) => t.accessToken)).toEqual([token.accessToken, token.accessToken]);
    expect(endpoint.requests).toBe(1);
  });

  it('uses a token another process refreshed in the store instead of asking again after a refusal', async () => {
    const store = createMemoryTokenStore();
    const endpoint = controlledEndpoint();
    const cache = new TokenCache({ store, key: 'k' });
    const first = cache.token(live(), endpoint.fetchToken);
    await tick();
    const old = endpoint.answer(0);
    await first;
    const elsewhere = {
      accessToken: 'from-another-process',
      obtainedAt: Date.now(),
      expiresAt: Date.now() + 3600_000,
    };
    await store.set('k', elsewhere);
    await expect(cache.token(live(), endpoint.fetchToken, old.accessToken)).resolves.toEqual(
      elsewhere,
    );
    expect(endpoint.requests).toBe(1);
  });
});

describe('TokenCache with a failing store', () => {
  it('goes on without the store when get, set and lock all throw', async () => {
    const endpoint = controlledEndpoint();
    const broken = {
      get: async () => {
        throw new Error('store down');
      },
      set: () => {
        throw new Error('store down');
      },
      lock: async () => {
        throw new Error('lock service down');
      },
    };
    const cache = new TokenCache({ store: broken, key: 'k' });
    const call = cache.token(live(), endpoint.fetchToken);
    await tick();
    expect(endpoint.requests).toBe(1);
    endpoint.answer(0);
    await expect(call).resolves.toMatchObject({ accessToken: 'token-1' });
    await expect(cache.token(live(), endpoint.fetchToken)).resolves.toMatchObject({
      accessToken: 'token-1',
    });
  });

  it('still gives the token request failure, not a store error, when the lock held', async () => {
    const endpoint = controlledEndpoint();
    const store = { ...createMemoryTokenStore(), get: async () => undefined };
    const cache = new TokenCache({ store, key: 'k' });
    const call = cache.token(live(), endpoint.fetchToken);
    await tick();
    const failure = new AfilnetTransportError('TOKEN_ENDPOINT', 'refused');
    endpoint.pending[0]?.reject(failure);
    await expect(call).rejects.toBe(failure);
    expect(endpoint.requests).toBe(1);
  });
});

describe('TokenCache with a lock held elsewhere', () => {
  /** A store whose lock is never granted, and which ignores being told to stop waiting. */
  function stuckStore() {
    const memory = createMemoryTokenStore();
    const signals: Array<AbortSignal | undefined> = [];
    const store = {
      get: memory.get,
      set: memory.set,
      lock: <T>(
        _key: string,
        _critical: () => Promise<T>,
        options?: { readonly signal?: AbortSignal },
      ) => {
        signals.push(options?.signal);
        return new Promise<T>(() => undefined);
      },
    };
    return { store, signals };
  }

  it("stops waiting at half of the caller's remaining time and fetches its own token", async () => {
    const endpoint = controlledEndpoint();
    const { store, signals } = stuckStore();
    const cache = new TokenCache({ store, key: 'k' });
    const started = performance.now();
    const call = cache.token({ signal: live(), remainingMs: () => 400 }, endpoint.fetchToken);
    while (endpoint.requests === 0 && performance.now() - started < 5_000)
      await new Promise((r) => setTimeout(r, 10));
    expect(endpoint.requests).toBe(1);
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    // The store was told to stop waiting, so that it leaves nothing behind.
    expect(signals[0]?.aborted).toBe(true);
    const token = endpoint.answer(0);
    await expect(call).resolves.toEqual(token);
  });

  it('tells the store to stop waiting once every caller has given up', async () => {
    const endpoint = controlledEndpoint();
    const { store, signals } = stuckStore();
    const cache = new TokenCache({ store, key: 'k' });
    const controller = new AbortController();
    const call = cache.token(controller.signal, endpoint.fetchToken);
    await tick();
    expect(signals[0]?.aborted).toBe(false);
    controller.abort();
    await expect(call).rejects.toMatchObject({ code: 'ABORTED' });
    expect(signals[0]?.aborted).toBe(true);
    expect(endpoint.requests).toBe(0);
  });
});
