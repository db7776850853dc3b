/**
 * The password digest of the OASIS WSS UsernameToken Profile 1.0 §3.1.
 */
import { createHash } from 'node:crypto';

/**
 * `Base64(SHA-1(nonce + created + password))`, with the nonce as its raw bytes (not its base64
 * text) and `created` and the password as UTF-8, per the profile.
 */
export function passwordDigest(nonce: Uint8Array, created: string, password: string): string {
  return createHash('sha1')
    .update(nonce)
    .update(created, 'utf8')
    .update(password, 'utf8')
    .digest('base64');
}
