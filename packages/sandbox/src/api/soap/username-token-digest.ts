/**
 * The sandbox's own statement of the PasswordDigest formula, written from the OASIS WSS
 * UsernameToken Profile 1.0 §3.1 and not shared with any client: a server that checked digests
 * with the client's function would accept whatever that function got wrong.
 *
 * @see https://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0.pdf
 */
import { createHash } from 'node:crypto';

/**
 * `Password_Digest = Base64(SHA-1(nonce + created + password))`, where `nonce` is the decoded
 * bytes of `wsse:Nonce` (not its base64 text), and `created` and the password are UTF-8.
 * Throws nothing.
 */
export function usernameTokenDigest(nonce: Buffer, created: string, password: string): string {
  const input = Buffer.concat([nonce, Buffer.from(created, 'utf8'), Buffer.from(password, 'utf8')]);
  return createHash('sha1').update(input).digest('base64');
}
