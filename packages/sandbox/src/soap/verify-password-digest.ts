/**
 * Checking a `#PasswordDigest` UsernameToken (OASIS UsernameToken Profile 1.0 §3.1; SPEC §3):
 * the digest, `Created` within 5 minutes of the server clock either way, and a fresh nonce.
 */
import { timingSafeEqual } from 'node:crypto';
import type { SandboxState } from '../sandbox-state.js';
import type { NonceRegistry } from './nonce-registry.js';
import type { UsernameTokenFields } from './read-soap-request.js';
import { usernameTokenDigest } from './username-token-digest.js';

/** How far `Created` may be from the server clock, past or future (SPEC §3). */
export const CREATED_WINDOW_MS = 5 * 60 * 1000;

/** An `xsd:dateTime` with a zone: `Z` or `±hh:mm`, with or without fractional seconds. */
const DATE_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/** `Created` in epoch ms, or undefined when it is not a zoned `xsd:dateTime`. */
export function parseCreated(created: string): number | undefined {
  const match = DATE_TIME.exec(created);
  if (!match) return undefined;
  const fraction = (match[2] ?? '').padEnd(3, '0').slice(0, 3);
  const ms = Date.parse(`${match[1]}.${fraction}${match[3]}`);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * The account's user when the token is valid; undefined otherwise (the door answers
 * INCORRECT_USER_PASSWORD). The nonce is claimed only by a token that is valid in every other
 * way, so a forged token cannot burn a legitimate client's nonce.
 */
export function verifyPasswordDigest(
  state: SandboxState,
  token: UsernameTokenFields & { username: string; password: string },
  nonces: NonceRegistry,
  now: number,
): string | undefined {
  const account = state.account(token.username);
  if (account === undefined || token.nonce === undefined || token.created === undefined) return undefined;
  const created = parseCreated(token.created);
  if (created === undefined || Math.abs(now - created) > CREATED_WINDOW_MS) return undefined;
  const nonce = Buffer.from(token.nonce, 'base64');
  if (nonce.length === 0) return undefined;
  const expected = Buffer.from(usernameTokenDigest(nonce, token.created, account.password));
  const given = Buffer.from(token.password.trim());
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  return nonces.claim(token.nonce, now) ? account.user : undefined;
}
