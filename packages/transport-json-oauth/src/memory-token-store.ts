/** The default {@link TokenStore}: one process's memory (SPEC §7). */
import type { StoredToken, TokenStore } from '@afilnet-chat/core';

/**
 * Creates an in-memory token store. Clients given the same store share their tokens and, through
 * its lock, make one token request between them; each client without a store option gets its
 * own. Tokens are dropped once expired. Throws nothing.
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
    lock<T>(key: string, critical: () => Promise<T>): Promise<T> {
      const previous = tails.get(key) ?? Promise.resolve();
      const result = previous.then(critical);
      const tail = result.then(
        () => undefined,
        () => undefined,
      );
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return result;
    },
  };
}
