/**
 * Checking a `#PasswordDigest` UsernameToken (OASIS UsernameToken Profile 1.0 §3.1):
 * the digest, `Created` within 5 minutes of the server clock either way, and a fresh nonce. A
 * nonce is compared by its bytes: its base64 must be canonical (RFC 4648 §3.5), since the same
 * bytes spelled another way (no padding, a set unused bit, a line break) would otherwise pass as
 * a new nonce and replay a captured token.
 */
import { timingSafeEqual } from 'node:crypto';
import type { SandboxState } from '../../state/sandbox-state.js';
import type { NonceRegistry } from './nonce-registry.js';
import type { UsernameTokenFields } from './read-soap-request.js';
import { usernameTokenDigest } from './username-token-digest.js';

/** How far `Created` may be from the server clock, past or future: 5 minutes. */
export const CREATED_WINDOW_MS = 5 * 60 * 1000;

/** An `xsd:dateTime` with a zone: `Z` or `±hh:mm`, with or without fractional seconds. */
const DATE_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The bytes `text` encodes in canonical base64 (RFC 4648 §4: padded, no other character, unused
 * bits zero), or undefined for any other spelling. Throws nothing.
 */
export function decodeCanonicalBase64(text: string): Buffer | undefined {
  const bytes = Buffer.from(text, 'base64');
  // Node's decoder skips what it does not understand; encoding back tells a canonical text.
  return bytes.toString('base64') === text ? bytes : undefined;
}

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
  if (account === undefined || token.nonce === undefined || token.created === undefined)
    return undefined;
  const created = parseCreated(token.created);
  if (created === undefined || Math.abs(now - created) > CREATED_WINDOW_MS) return undefined;
  const nonce = decodeCanonicalBase64(token.nonce);
  if (nonce === undefined || nonce.length === 0) return undefined;
  const expected = Buffer.from(usernameTokenDigest(nonce, token.created, account.password));
  const given = Buffer.from(token.password.trim());
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  return nonces.claim(nonce.toString('base64'), now) ? account.user : undefined;
}
