/**
 * When a cached access token is renewed: 60 s before it expires, or at half its lifetime when
 * that lifetime is shorter than two minutes, so that a token is never used in its last moments,
 * when clock skew or a slow request could make it expire on the way (docs/json-oauth.md,
 * "Decisions where the standards leave room").
 */
import type { StoredToken } from '@afilnet-chat/core';

/** How long before expiry a token is renewed, at most. */
export const EARLY_REFRESH_MS = 60_000;

/**
 * The shortest lifetime a token is taken to have: a server answering `expires_in: 0` (or 1)
 * would otherwise cost a token request per call. With the half-lifetime rule, such a token is
 * used for 5 s, so that a client asks for one at most every 5 s.
 */
export const MIN_TOKEN_LIFETIME_MS = 10_000;

/**
 * The instant (epoch ms) from which `token` is renewed before use: `expiresAt` minus the smaller
 * of 60 s and half the lifetime; `Infinity` for a token without a stated lifetime, which is used
 * until the API refuses it.
 */
export function refreshAt(token: StoredToken): number {
  if (token.expiresAt === undefined) return Number.POSITIVE_INFINITY;
  const lifetime = Math.max(0, token.expiresAt - token.obtainedAt);
  return token.expiresAt - Math.min(EARLY_REFRESH_MS, lifetime / 2);
}

/** True while `token` may still be used at `now` (epoch ms) without renewing it. */
export function isFresh(token: StoredToken, now: number): boolean {
  return now < refreshAt(token);
}
