/**
 * The nonces of PasswordDigest tokens seen recently, so that a captured token cannot be replayed
 * (OASIS UsernameToken Profile 1.0 §3.1: "a nonce cache").
 */

/**
 * Remembers each nonce for `retainMs`. A token is accepted while its `Created` is within the
 * window of the server clock, past or future, so a nonce must be kept for twice the window.
 */
export class NonceRegistry {
  readonly #seenAt = new Map<string, number>();
  readonly #retainMs: number;

  constructor(retainMs: number) {
    this.#retainMs = retainMs;
  }

  /** Records `nonce` at `now`; false when it was already seen within the retention. */
  claim(nonce: string, now: number): boolean {
    // Entries are in insertion order, which is time order: drop the expired head.
    for (const [seen, at] of this.#seenAt) {
      if (at > now - this.#retainMs) break;
      this.#seenAt.delete(seen);
    }
    if (this.#seenAt.has(nonce)) return false;
    this.#seenAt.set(nonce, now);
    return true;
  }
}
