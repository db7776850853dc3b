/**
 * The sandbox's authorization server state: the access tokens it issued, whose account each
 * opens and when each expires.
 */
import { randomBytes } from 'node:crypto';

/** A token as issued (RFC 6749 §5.1). */
export interface IssuedToken {
  readonly accessToken: string;
  /** Lifetime in seconds (`expires_in`). */
  readonly expiresIn: number;
}

/** Issues opaque bearer tokens and answers whose account a token opens. */
export class TokenRegistry {
  readonly #tokens = new Map<
    string,
    { readonly user: string; readonly expiresAt: number; readonly jkt?: string }
  >();
  readonly #lifetimeSeconds: number;
  readonly #now: () => number;

  /**
   * @param lifetimeSeconds the `expires_in` of every token issued (tests use a second or two).
   * @param now the clock, in epoch milliseconds.
   */
  constructor(lifetimeSeconds: number, now: () => number = Date.now) {
    this.#lifetimeSeconds = lifetimeSeconds;
    this.#now = now;
  }

  /** Issues a token for `user`'s account, bound to the key of thumbprint `jkt` when given (RFC 9449 §6). */
  issue(user: string, jkt?: string): IssuedToken {
    this.#sweep();
    const accessToken = randomBytes(32).toString('base64url');
    this.#tokens.set(accessToken, {
      user,
      expiresAt: this.#now() + this.#lifetimeSeconds * 1000,
      ...(jkt === undefined ? {} : { jkt }),
    });
    return { accessToken, expiresIn: this.#lifetimeSeconds };
  }

  /** The account a token opens, or `undefined` when the token is unknown, expired or revoked. */
  verify(accessToken: string): string | undefined {
    const entry = this.#tokens.get(accessToken);
    if (entry === undefined) return undefined;
    if (this.#now() >= entry.expiresAt) {
      this.#tokens.delete(accessToken);
      return undefined;
    }
    return entry.user;
  }

  /** The thumbprint of the key a valid token is bound to; `undefined` for a plain bearer token. */
  boundKeyOf(accessToken: string): string | undefined {
    return this.verify(accessToken) === undefined ? undefined : this.#tokens.get(accessToken)?.jkt;
  }

  /** Revokes every token issued so far. */
  revokeAll(): void {
    this.#tokens.clear();
  }

  #sweep(): void {
    const now = this.#now();
    for (const [token, entry] of this.#tokens)
      if (now >= entry.expiresAt) this.#tokens.delete(token);
  }
}
