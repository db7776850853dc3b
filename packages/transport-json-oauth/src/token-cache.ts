/**
 * The access-token cache of one transport: early refresh, single flight, and a pluggable
 * {@link TokenStore} shared with other clients and processes (docs/json-oauth.md, "Sharing tokens
 * between processes").
 */
import { AfilnetTransportError, type StoredToken, type TokenStore } from '@afilnet-chat/core';
import { isFresh } from './token-freshness.js';

/** Fetches a new token from the token endpoint; `signal` ends the request. */
export type TokenFetcher = (signal: AbortSignal) => Promise<StoredToken>;

/** Options of {@link TokenCache}. */
export interface TokenCacheOptions {
  readonly store: TokenStore;
  /**
   * The store key of this client (see `tokenStoreKey`), or its promise when it costs a slow hash.
   * A key that cannot be computed (a rejected promise) leaves the store out: the client then
   * fetches its own tokens.
   */
  readonly key: string | Promise<string>;
  /** The clock, in epoch milliseconds. */
  readonly now?: () => number;
}

/**
 * One token request in progress, shared by every caller waiting for it. It has its own abort
 * controller, which fires only once every waiter has given up: one caller's abort or deadline
 * must not fail the others.
 */
interface Flight {
  readonly promise: Promise<StoredToken>;
  readonly controller: AbortController;
  /** Fires when the flight stops waiting for the store's lock (and fetches a token itself). */
  readonly stopWaiting: AbortController;
  waiters: number;
  settled: boolean;
}

/** A caller: its signal, and the time left before its deadline when it has one. */
export type TokenCaller = AbortSignal | { readonly signal: AbortSignal; remainingMs?(): number };

function abortedWhileWaiting(): AfilnetTransportError {
  return new AfilnetTransportError(
    'ABORTED',
    'The call was aborted while waiting for an access token',
    {
      mayHaveBeenSent: false,
    },
  );
}

/**
 * Caches the access token of one client.
 *
 * - A token is reused until {@link isFresh} says otherwise (60 s before expiry, or half its
 *   lifetime when shorter).
 * - Single flight: however many calls need a token at once, one token request is made, and its
 *   outcome, token or error, goes to all of them; after a failure the next call tries again.
 * - A token the API refused (`rejected`) is never handed out again, and N calls refused at once
 *   cause one token request.
 * - Through the store, other clients and processes reuse the token; under the store's lock only
 *   one of them asks the token endpoint at a time. A store that fails is bypassed, never fatal.
 */
export class TokenCache {
  readonly #store: TokenStore;
  readonly #key: Promise<string | undefined>;
  readonly #now: () => number;
  #local: StoredToken | undefined;
  #rejected: string | undefined;
  #flight: Flight | undefined;

  constructor(options: TokenCacheOptions) {
    this.#store = options.store;
    this.#key = Promise.resolve(options.key).catch(() => undefined);
    this.#now = options.now ?? Date.now;
  }

  /**
   * A token to call the API with.
   *
   * @param caller the caller's signal, or an object holding it (read only when the call has to
   *   wait for a token request): when it fires the caller stops waiting (with
   *   `AfilnetTransportError` `ABORTED`, `mayHaveBeenSent: false`), and the token request itself
   *   is aborted only when no other caller still waits for it. With `remainingMs`, waiting for
   *   the store's lock ends at half of the time left, so that the call can still fetch its own
   *   token and succeed.
   * @param fetchToken how to fetch a new token, used if this call starts a token request.
   * @param rejected a token the API just refused (RFC 6750 §3.1 `invalid_token`).
   * @throws what `fetchToken` or the store throw, to every caller that waited for it.
   */
  async token(
    caller: TokenCaller,
    fetchToken: TokenFetcher,
    rejected?: string,
  ): Promise<StoredToken> {
    if (rejected !== undefined) {
      this.#rejected = rejected;
      if (this.#local?.accessToken === rejected) this.#local = undefined;
    }
    const local = this.fresh();
    if (local !== undefined) return local;
    const token = await this.#join(caller, fetchToken);
    // A flight that started before the refusal may have answered the refused token.
    if (rejected !== undefined && token.accessToken === rejected)
      return this.#join(caller, fetchToken);
    return token;
  }

  /**
   * The token this client holds, if it is still fresh: what {@link TokenCache.token} answers
   * first, without its `async` frame. A call checks it before asking `token`, since nearly every
   * call finds its token here and an await per call costs a turn of the microtask queue. Throws
   * nothing.
   */
  fresh(): StoredToken | undefined {
    const local = this.#local;
    return local !== undefined && isFresh(local, this.#now()) ? local : undefined;
  }

  #start(fetchToken: TokenFetcher): Flight {
    const controller = new AbortController();
    const stopWaiting = new AbortController();
    // Nobody wants the token any more: nothing is to be waited for either.
    controller.signal.addEventListener('abort', () => stopWaiting.abort(), { once: true });
    const promise = this.#key.then((key) =>
      key === undefined
        ? fetchToken(controller.signal)
        : this.#viaStore(key, controller, stopWaiting.signal, fetchToken),
    );
    const flight: Flight = { promise, controller, stopWaiting, waiters: 0, settled: false };
    promise.then(
      (token) => {
        flight.settled = true;
        if (this.#flight === flight) this.#flight = undefined;
        if (token.accessToken !== this.#rejected) this.#local = token;
      },
      () => {
        flight.settled = true;
        if (this.#flight === flight) this.#flight = undefined;
      },
    );
    return flight;
  }

  /**
   * A token through the store: the stored one if fresh, else a fetched one, under its lock. When
   * `stopWaiting` fires before the lock is granted, the flight goes on without it (and tells the
   * store, which stops waiting too); a store that grants it later holds it until that is done.
   */
  #viaStore(
    key: string,
    controller: AbortController,
    stopWaiting: AbortSignal,
    fetchToken: TokenFetcher,
  ): Promise<StoredToken> {
    const store = this.#store;
    // A store is an optimisation: when it fails (a shared cache down), calls go on with tokens of
    // their own rather than fail with an error that says nothing about the API.
    const critical = async (): Promise<StoredToken> => {
      const stored = await Promise.resolve()
        .then(() => store.get(key))
        .catch(() => undefined);
      if (
        stored !== undefined &&
        stored.accessToken !== this.#rejected &&
        isFresh(stored, this.#now())
      )
        return stored;
      const fresh = await fetchToken(controller.signal);
      await Promise.resolve()
        .then(() => store.set(key, fresh))
        .catch(() => undefined);
      return fresh;
    };
    const lock = store.lock?.bind(store);
    if (lock === undefined) return critical();
    return new Promise<StoredToken>((resolve, reject) => {
      let state: 'waiting' | 'holding' | 'alone' = 'waiting';
      let alone: Promise<StoredToken> | undefined;
      // Without the lock: the store failed, or waiting for it ended.
      const goAlone = (): void => {
        if (state !== 'waiting') return;
        state = 'alone';
        stopWaiting.removeEventListener('abort', goAlone);
        alone = controller.signal.aborted ? Promise.reject(controller.signal.reason) : critical();
        alone.then(resolve, reject);
      };
      const once = (): Promise<StoredToken> => {
        if (state !== 'waiting') return alone as Promise<StoredToken>;
        state = 'holding';
        stopWaiting.removeEventListener('abort', goAlone);
        return critical();
      };
      if (stopWaiting.aborted) {
        goAlone();
        return;
      }
      stopWaiting.addEventListener('abort', goAlone, { once: true });
      Promise.resolve()
        .then(() => lock(key, once, { signal: stopWaiting }))
        .then(
          (token) => {
            if (state === 'holding') resolve(token);
          },
          (error: unknown) => {
            // An error of the token request stands; the lock's own failure is gone round.
            if (state === 'holding') reject(error);
            else goAlone();
          },
        );
    });
  }

  #join(caller: TokenCaller, fetchToken: TokenFetcher): Promise<StoredToken> {
    const signal = caller instanceof AbortSignal ? caller : caller.signal;
    if (signal.aborted) return Promise.reject(abortedWhileWaiting());
    let flight = this.#flight;
    if (flight === undefined || flight.settled) {
      flight = this.#start(fetchToken);
      this.#flight = flight;
    }
    const joined = flight;
    joined.waiters += 1;
    // Half of what is left for this call: then waiting for the store's lock ends, and the flight
    // fetches a token itself while there is still time to use it.
    const remainingMs = caller instanceof AbortSignal ? undefined : caller.remainingMs?.();
    const bound =
      remainingMs === undefined || joined.stopWaiting.signal.aborted
        ? undefined
        : setTimeout(() => joined.stopWaiting.abort(), Math.max(0, remainingMs / 2));
    return new Promise<StoredToken>((resolve, reject) => {
      let waiting = true;
      const leave = (): boolean => {
        if (!waiting) return false;
        waiting = false;
        joined.waiters -= 1;
        signal.removeEventListener('abort', onAbort);
        clearTimeout(bound);
        return true;
      };
      const onAbort = (): void => {
        if (!leave()) return;
        if (joined.waiters === 0 && !joined.settled) {
          // Nobody wants this token any more: end the request, and let the next call start anew.
          if (this.#flight === joined) this.#flight = undefined;
          joined.controller.abort(signal.reason);
        }
        reject(abortedWhileWaiting());
      };
      signal.addEventListener('abort', onAbort, { once: true });
      joined.promise.then(
        (token) => {
          if (leave()) resolve(token);
        },
        (error: unknown) => {
          if (leave()) reject(error);
        },
      );
    });
  }
}
