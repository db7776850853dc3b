/**
 * The default {@link TokenStore}: one process's memory (docs/json-oauth.md, "Sharing tokens
 * between processes").
 */
import type { StoredToken, TokenStore } from '@afilnet-chat/core';

/** Resolves once `previous` settles, or rejects when `signal` fires first. */
function waitTurn(previous: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return previous;
  if (signal.aborted) return Promise.reject(new Error('stopped waiting for the lock'));
  return new Promise((resolve, reject) => {
    const stop = (): void => reject(new Error('stopped waiting for the lock'));
    signal.addEventListener('abort', stop, { once: true });
    void previous.then(() => {
      signal.removeEventListener('abort', stop);
      resolve();
    });
  });
}

/**
 * Creates an in-memory token store. Clients given the same store share their tokens and, through
 * its lock, make one token request between them; each client without a store option gets its
 * own. Tokens are dropped once expired. A waiter for the lock stops waiting when its signal
 * fires. Throws nothing.
 */
export function createMemoryTokenStore(now: () => number = Date.now): TokenStore {
  const tokens = new Map<string, StoredToken>();
  // The last holder's completion per key: a new holder runs once it settles.
  const tails = new Map<string, Promise<void>>();

  return {
    async get(key) {
      const token = tokens.get(key);
      if (token?.expiresAt !== undefined && now() >= token.expiresAt) {
        tokens.delete(key);
        return undefined;
      }
      return token;
    },
    async set(key, token) {
      tokens.set(key, token);
    },
    lock<T>(
      key: string,
      critical: () => Promise<T>,
      options?: { readonly signal?: AbortSignal },
    ): Promise<T> {
      const previous = tails.get(key) ?? Promise.resolve();
      const result = waitTurn(previous, options?.signal).then(critical);
      // A waiter that stopped waiting still keeps the next one behind the holder before it.
      const tail = result.then(
        () => previous,
        () => previous,
      );
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return result;
    },
  };
}
