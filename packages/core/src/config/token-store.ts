/**
 * Where the JSON + OAuth flavour keeps its access token: in memory by default, or in a
 * store shared by many processes (Redis, a database) so that a fleet asks for one token, not one
 * per process.
 */

/** An access token as a {@link TokenStore} keeps it. Never log it: it is a bearer credential. */
export interface StoredToken {
  /** The token itself (RFC 6749 §5.1 `access_token`). */
  readonly accessToken: string;
  /** When the token request was sent, in epoch milliseconds: the start of its lifetime. */
  readonly obtainedAt: number;
  /**
   * When the token expires, in epoch milliseconds (`obtainedAt + expires_in`); absent when the
   * server gave no `expires_in` (RFC 6749 §5.1 makes it optional), in which case the token is used
   * until the API refuses it.
   */
  readonly expiresAt?: number;
  /**
   * `dpop` for a token bound to the client's key (RFC 9449), which every request must prove
   * possession of; `bearer` (the default when absent) otherwise.
   */
  readonly tokenType?: 'bearer' | 'dpop';
}

/**
 * Shared storage of access tokens. `key` names what a token is good for: the token
 * endpoint, client id, scope, API origin and a salted slow fingerprint of the client secret, so
 * that clients sharing a store share a token only when they have the same credentials and API.
 * It never contains a secret, but it does name the client: a store that shows its keys to others
 * should hash them. A store is not to be shared across trust boundaries: a reader of it can use
 * its tokens.
 *
 * A store is judged by three promises: `get` answers what the last `set` stored for the key (or
 * nothing); `set` may drop the token once `expiresAt` has passed; and `lock`, when present, runs
 * `critical` while no other holder of the same key runs its own, across every process sharing the
 * store, so that only one of them asks the token endpoint at a time. Without `lock`, a client
 * still makes one token request at a time itself, but separate processes may each make one.
 */
export interface TokenStore {
  /** The token stored under `key`, or `undefined`. */
  get(key: string): Promise<StoredToken | undefined>;
  /** Stores `token` under `key`, replacing any other. */
  set(key: string, token: StoredToken): Promise<void>;
  /**
   * Runs `critical` holding the store's lock for `key` and answers what it answers; rejects with
   * what it rejects with. The lock is released however `critical` ends.
   *
   * While another holder has the lock, the store waits, but no longer than `options.signal`
   * allows: when it fires (the caller's deadline is near, or it aborted), the store stops waiting
   * and everything it does for this call, and rejects without running `critical`. The client then
   * fetches a token of its own. A store should also stop waiting by itself once a holder has had
   * the lock for as long as a dead holder could keep it.
   */
  lock?<T>(
    key: string,
    critical: () => Promise<T>,
    options?: { readonly signal?: AbortSignal },
  ): Promise<T>;
}
